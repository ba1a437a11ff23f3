"""docker-compose.yml cannot be run here (no Docker engine), so check it against the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from services.classifier.config import Settings as ClassifierSettings
from services.escalation.config import Settings as EscalationSettings
from services.gateway.config import Settings as GatewaySettings
from services.ingest.config import Settings as IngestSettings

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = {
    "ingest": IngestSettings,
    "classifier": ClassifierSettings,
    "escalation": EscalationSettings,
    "gateway": GatewaySettings,
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_is_there_with_kafka_redis_and_prometheus(compose: dict) -> None:
    assert set(compose["services"]) == {*SETTINGS, "kafka", "redis", "prometheus"}
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
    assert "--appendonly" in compose["services"]["redis"]["command"]


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_service_builds_the_right_module(compose: dict, name: str) -> None:
    service = compose["services"][name]
    assert service["build"]["args"]["SERVICE"] == name
    assert (ROOT / "services" / name / "__main__.py").exists()
    assert "healthcheck" in service and "/readyz" in " ".join(service["healthcheck"]["test"])


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_environment_variable_is_a_setting(compose: dict, name: str) -> None:
    fields = {field.upper() for field in SETTINGS[name].model_fields}
    environment = compose["services"][name]["environment"]
    unknown = set(environment) - fields
    assert not unknown, f"{name} is given variables its Settings does not read: {unknown}"


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_published_port_is_the_service_port(compose: dict, name: str) -> None:
    service = compose["services"][name]
    port = int(service["environment"]["HTTP_PORT"])
    assert service["ports"] == [f"{port}:{port}"]
    assert SETTINGS[name].model_fields["http_port"].default == port
    assert f"localhost:{port}/readyz" in " ".join(service["healthcheck"]["test"])


def test_prometheus_scrapes_every_service(compose: dict) -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = {
        t for job in config["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]
    }
    expected = {
        f"{name}:{compose['services'][name]['environment']['HTTP_PORT']}" for name in SETTINGS
    }
    assert targets == expected


def test_policies_mount_exists(compose: dict) -> None:
    for volume in compose["services"]["escalation"]["volumes"]:
        source = re.split(r":", volume)[0]
        assert (ROOT / source).is_dir()
