"""The committed dashboards are what `deploy/grafana/dashboards.py` generates, and Grafana's
provisioning points at them. (Their queries run against a real Prometheus in
tests/e2e/test_observability.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from deploy.grafana.dashboards import DASHBOARDS, OUT, rendered

ROOT = Path(__file__).resolve().parents[3]


def test_the_committed_json_is_the_generated_json() -> None:
    committed = {path.name: path.read_text() for path in OUT.glob("*.json")}
    assert committed == rendered(), "run `python -m deploy.grafana.dashboards` and commit"


def test_overview_moderation_classifier_and_webhooks_are_there() -> None:
    titles = {json.loads(text)["title"] for text in rendered().values()}
    for part in ("overview", "queues", "classifier", "webhooks", "mood"):
        assert any(part in title for title in titles), part


def test_every_panel_reads_the_provisioned_prometheus() -> None:
    source = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    uid = source["datasources"][0]["uid"]
    for text in rendered().values():
        for panel in json.loads(text)["panels"]:
            assert panel["datasource"]["uid"] == uid
            assert panel["targets"] and all(t["expr"] for t in panel["targets"])


def test_compose_mounts_the_dashboards_where_provisioning_looks() -> None:
    provider = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/dashboards/moderation.yml").read_text()
    )["providers"][0]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in mounts
    assert len(DASHBOARDS) == len(list(OUT.glob("*.json")))
