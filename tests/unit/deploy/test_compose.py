"""docker-compose.yml cannot be run here (no Docker engine), so check it against the code."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from services.classifier.config import Settings as ClassifierSettings
from services.desk.config import Settings as DeskSettings
from services.escalation.config import Settings as EscalationSettings
from services.gateway.config import Settings as GatewaySettings
from services.ingest.config import Settings as IngestSettings
from services.outreach.config import Settings as OutreachSettings
from services.pulse.config import Settings as PulseSettings

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = {
    "ingest": IngestSettings,
    "classifier": ClassifierSettings,
    "escalation": EscalationSettings,
    "gateway": GatewaySettings,
    "desk": DeskSettings,
    "pulse": PulseSettings,
    "outreach": OutreachSettings,
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_is_there_with_kafka_redis_prometheus_and_grafana(compose: dict) -> None:
    assert set(compose["services"]) == {*SETTINGS, "kafka", "redis", "prometheus", "grafana"}
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
    assert "--appendonly" in compose["services"]["redis"]["command"]


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_service_builds_the_right_module(compose: dict, name: str) -> None:
    service = compose["services"][name]
    assert service["build"]["args"]["SERVICE"] == name
    assert service["build"]["target"] == ("classifier" if name == "classifier" else "service")
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


def test_docker_compose_accepts_the_file() -> None:
    """Debian's docker-compose parses and validates it (no engine needed for `config`)."""
    tool = shutil.which("docker-compose")
    assert tool, "docker-compose is missing: apt-get install docker-compose (make test does it)"
    done = subprocess.run(
        [tool, "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env={**os.environ, "INTERNAL_TOKEN": "from-the-operators-env-file"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_kafka_writes_where_its_volume_is(compose: dict) -> None:
    kafka = compose["services"]["kafka"]
    mounted = {v.split(":")[1] for v in kafka["volumes"]}
    assert kafka["environment"]["KAFKA_LOG_DIRS"] in mounted


def test_prometheus_loads_the_alert_rules(compose: dict) -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["alerts.yml"]
    assert "./deploy/prometheus:/etc/prometheus:ro" in compose["services"]["prometheus"]["volumes"]


def dockerfile_stages() -> dict[str, str]:
    stages, name = {}, None
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("FROM "):
            name = line.split(" AS ")[-1].strip()
            stages[name] = ""
        elif name:
            stages[name] += line + "\n"
    return stages


def test_only_the_classifier_image_installs_the_model_stack() -> None:
    stages = dockerfile_stages()
    assert "pip install .\n" in stages["service"]
    assert "pip install '.[classifier]'" in stages["classifier"]
    assert "--create-home" in stages["base"] and "HOME=/home/moderation" in stages["base"]


def test_the_build_context_leaves_out_the_venv_and_the_repo() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", ".git", ".run", "tests"} <= ignored


def model_stack() -> set[str]:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=\[ ]", d)[0] for d in extra["optional-dependencies"]["classifier"]}
    modules = {n.replace("-", "_") for n in names}
    return (modules | {"sklearn"}) - {"scikit_learn"}


def test_no_service_but_the_classifier_imports_the_model_stack() -> None:
    """So the `service` image, which lacks it, can run ingest, escalation and the gateway."""
    heavy = model_stack()
    for source in (ROOT / "services").rglob("*.py"):
        if source.is_relative_to(ROOT / "services" / "classifier"):
            continue
        for node in ast.walk(ast.parse(source.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            assert not {n.split(".")[0] for n in names} & heavy, f"{source}: imports {names}"
