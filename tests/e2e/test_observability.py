"""Ops' view of the stack, for real: Debian's Prometheus scrapes the six services (as processes)
with the alert rules of `deploy/prometheus/alerts.yml`; after traffic, every query of every
Grafana dashboard returns data, and the numbers move with what was sent."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from aiokafka import AIOKafkaProducer

from deploy.grafana.dashboards import queries
from deploy.localstack import free_port
from services.contracts import topics
from tests.conftest import Infra
from tests.e2e.conftest import Stack, admin_cli
from tests.e2e.test_pipeline import submit_all, wait_for_decisions

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"


@pytest.fixture(scope="module")
def prometheus(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("prometheus")
    assert binary, "Debian's prometheus is missing: apt-get install prometheus (make test does it)"
    root = tmp_path_factory.mktemp("prometheus")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {"job_name": name, "static_configs": [{"targets": [service.url.split("//")[1]]}]}
            for name, service in stack.services.items()
        ],
    }
    (root / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    with (root / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={root / 'prometheus.yml'}",
                f"--storage.tsdb.path={root / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not ready(url):
            assert process.poll() is None, (root / "prometheus.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "Prometheus did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def query(prometheus: str, expr: str) -> list[dict]:
    answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=10).json()
    assert answer["status"] == "success", (expr, answer)
    return answer["data"]["result"]


def value(prometheus: str, expr: str) -> float:
    found = query(prometheus, expr)
    return float(found[0]["value"][1]) if found else 0.0


async def traffic(stack: Stack, infra: Infra, tenant: str, headers: dict[str, str]) -> None:
    """Posts (rude ones open cases), a message no one can read, a direct scoring call, a
    webhook listing and a moderator taking the next case."""
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topics.POSTS_SUBMITTED, b"{unreadable on purpose", key=b"ops")
    finally:
        await producer.stop()
    async with httpx.AsyncClient(timeout=30) as client:
        ids = await submit_all(client, stack.url("ingest"), tenant, 40, headers)
        await wait_for_decisions(client, stack.url("gateway"), ids, headers)
        scored = await client.post(
            f"{stack.url('classifier')}/v1/score",
            json={"texts": ["thanks, that helped"]},
            headers=stack.internal_headers,
        )
        assert scored.status_code == 200
        assert (await client.get(f"{stack.url('gateway')}/v1/webhooks", headers=headers)).is_success
        admin = admin_cli(
            infra, "moderators", "create", "--tenant", tenant, "--id", "ops", "--role", "admin"
        )
        staff = {"authorization": f"Bearer {admin['token']}"}
        queues = await client.get(f"{stack.url('desk')}/v1/moderation/queues", headers=staff)
        busy = [q["queue"] for q in queues.json()["data"] if q["depth"]]
        assert busy, "the rude posts opened no case"
        taken = await client.post(
            f"{stack.url('desk')}/v1/moderation/queues/{busy[0]}/next", headers=staff
        )
        assert taken.status_code == 200, taken.text


async def test_every_dashboard_query_returns_data_after_traffic(
    stack: Stack, infra: Infra, tenant: str, platform_headers: dict[str, str], prometheus: str
) -> None:
    before = value(prometheus, "sum(ingest_posts_accepted_total)")
    await traffic(stack, infra, tenant, platform_headers)
    pending = dict(queries())
    deadline = time.monotonic() + 90
    while pending and time.monotonic() < deadline:
        pending = {name: expr for name, expr in pending.items() if not query(prometheus, expr)}
        await asyncio.sleep(1)
    assert not pending, f"queries with no data: {pending}"

    # the numbers are the traffic's, not just present
    accepted = value(prometheus, "sum(ingest_posts_accepted_total)")
    assert accepted - before >= 40
    assert value(prometheus, 'sum(moderation_dead_letters_total{reason="undecodable"})') >= 1
    assert value(prometheus, "sum(moderation_post_to_decision_seconds_count)") >= 40
    routes = {r["metric"]["route"] for r in query(prometheus, "http_requests_total")}
    assert {"/v1/posts", "/v1/posts/{post_id}/decision", "/v1/score"} <= routes
    lag = query(prometheus, "kafka_consumer_lag")
    assert {"moderation-classifier", "moderation-escalation"} <= {r["metric"]["group"] for r in lag}
    claimed = 'escalation_case_transitions_total{kind="claimed"}'
    assert value(prometheus, f"sum({claimed})") >= 1


def test_prometheus_loads_every_alert_rule_healthy(prometheus: str) -> None:
    wanted = {r["alert"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]}
    deadline = time.monotonic() + 30
    while True:
        answer = httpx.get(f"{prometheus}/api/v1/rules", timeout=10).json()
        rules = [r for g in answer["data"]["groups"] for r in g["rules"]]
        evaluated = [r for r in rules if r.get("lastEvaluation", "").startswith("20")]
        if len(evaluated) == len(rules) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert {r["name"] for r in rules} == wanted
    assert all(r["health"] == "ok" for r in rules), [r for r in rules if r["health"] != "ok"]
