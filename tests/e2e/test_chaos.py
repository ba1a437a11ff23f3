"""Chaos on real processes, under a steady load of posts: the Kafka broker killed (-9) and
started again, each service killed (-9) and started again, and two classifier replicas in one
group with one of them killed. After each fault every post ingest accepted (202) has exactly
one decision, and the consumers resumed by themselves. While the broker is down, ingest answers
503 with Retry-After and accepts nothing. The figures go to `.run/chaos.json`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from deploy.localstack import Kafka, Redis, Service, free_port, service_env
from services.contracts import topics
from tests.e2e.conftest import ORDER, wait_until_ingest_knows
from tests.integration.helpers import collect

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / ".run" / "chaos.json"
TENANT = "chaos"
RATE = 20  # posts per second, open loop


@dataclass
class Chaos:
    kafka: Kafka
    redis: Redis
    services: dict[str, Service]
    env: dict[str, str]
    root: Path
    restarts: int = 0

    def url(self, name: str) -> str:
        return self.services[name].url

    @property
    def bootstrap(self) -> str:  # every broker the services know (one, or a cluster's)
        return self.env["KAFKA_BOOTSTRAP_SERVERS"]


@dataclass
class Load:
    """Posts sent at a steady rate; what ingest answered to each."""

    ingest: str
    headers: dict[str, str]
    prefix: str = field(default_factory=lambda: uuid.uuid4().hex[:8])  # new posts every run
    accepted: list[str] = field(default_factory=list)
    answers: list[tuple[float, float, int, str | None]] = field(default_factory=list)
    sent: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            pending = set()
            while not stop.is_set():
                self.sent += 1
                task = asyncio.create_task(self.post(client, self.sent))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(1 / RATE)
            await asyncio.gather(*pending)

    async def post(self, client: httpx.AsyncClient, n: int) -> None:
        body = {
            "external_id": f"{self.prefix}-{n}",
            "author_id": f"u-{n % 13}",
            "text": f"post number {n}",
        }
        started = time.monotonic()
        try:
            answer = await client.post(f"{self.ingest}/v1/posts", json=body, headers=self.headers)
        except httpx.HTTPError:  # ingest itself is down: nothing accepted
            self.answers.append((started, time.monotonic() - started, 0, None))
            return
        self.answers.append(
            (
                started,
                time.monotonic() - started,
                answer.status_code,
                answer.headers.get("retry-after"),
            )
        )
        if answer.status_code == 202:
            assert not answer.json()["duplicate"]
            self.accepted.append(answer.json()["post_id"])


@pytest.fixture(scope="module")
def chaos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chaos]:
    root = tmp_path_factory.mktemp("chaos")
    kafka = Kafka(
        "kafka", root / "kafka.log", port=free_port(), controller_port=free_port(),
        data_dir=root / "kafka", heap="512m",
    )  # fmt: skip
    redis = Redis("redis", root / "redis.log", port=free_port(), data_dir=root / "redis")
    kafka.start()
    redis.start()
    ports = {name: free_port() for name in ORDER}
    env = {
        **service_env(kafka.bootstrap, redis.url, ports),
        "CLASSIFIER_MODEL": "offline",
        "SHUTDOWN_GRACE_SECONDS": "10",
        "KAFKA_LAG_SECONDS": "2",
        "DEFAULT_RATE_LIMIT_PER_MINUTE": "100000",
    }
    services = {n: Service(n, root / f"{n}.log", port=ports[n], env=env) for n in ORDER}
    state = Chaos(kafka, redis, services, env, root)
    try:
        for name in ORDER:
            services[name].start()
        yield state
    finally:
        for service in state.services.values():
            service.stop(timeout=15)
        redis.stop(timeout=5)
        state.kafka.stop(timeout=10)


def platform_key(chaos: Chaos) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "services.desk.cli", "keys", "create", "--tenant", TENANT,
         "--name", "chaos"],
        env={**os.environ, "KAFKA_BOOTSTRAP_SERVERS": chaos.bootstrap,
             "REDIS_URL": chaos.redis.url},
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    token = json.loads(done.stdout.strip().splitlines()[-1])["token"]
    return {"authorization": f"Bearer {token}"}


async def decisions_for(chaos: Chaos, post_ids: list[str], timeout: float = 180) -> dict:
    """post id -> the distinct automated decision ids on the decisions topic, and the events."""
    wanted = set(post_ids)
    found = await collect(
        chaos.bootstrap,
        topics.DECISIONS,
        until=lambda seen: {d["post_id"] for d in seen} >= wanted,
        match=lambda d: d.get("tenant") == TENANT and d.get("revision") == 0,
        timeout=timeout,
    )
    ids: dict[str, set[str]] = defaultdict(set)
    for decision in found:
        ids[decision["post_id"]].add(decision["event_id"])
    times = [datetime.fromisoformat(d["occurred_at"]).timestamp() for d in found]
    return {"ids": ids, "events": len(found), "times": times}


def kill(process: subprocess.Popen | None) -> None:
    assert process is not None and process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


async def under_load(chaos: Chaos, headers: dict[str, str], fault) -> dict:
    """Steady load for a few seconds, the fault, a few more seconds; then every accepted post
    must be decided once. Returns the figures."""
    load = Load(chaos.url("ingest"), headers)
    stop = asyncio.Event()
    feeder = asyncio.create_task(load.run(stop))
    await asyncio.sleep(3)
    figures = await fault(load)
    await asyncio.sleep(3)
    stop.set()
    await feeder
    started = time.monotonic()
    decided = await decisions_for(chaos, load.accepted)
    lost = [p for p in load.accepted if p not in decided["ids"]]
    doubled = [p for p, ids in decided["ids"].items() if len(ids) > 1]
    ready_at = figures.pop("ready_at", None)
    if ready_at is not None:  # the first decision made after the restart: consumers resumed
        after = [t for t in decided["times"] if t >= ready_at]
        figures["first_decision_after_restart_seconds"] = (
            round(min(after) - ready_at, 2) if after else None
        )
    figures |= {
        "sent": load.sent,
        "accepted": len(load.accepted),
        "decided": len(load.accepted) - len(lost),
        "lost": len(lost),
        "duplicated_decisions": len(doubled),
        "decision_events_redelivered": decided["events"] - len(decided["ids"]),
        "all_decided_after_load_seconds": round(time.monotonic() - started, 1),
    }
    assert not lost, f"{len(lost)} accepted posts never decided: {lost[:5]}"
    assert not doubled, f"posts with two different decisions: {doubled[:5]}"
    assert len(set(load.accepted)) == len(load.accepted)
    return figures


def record(name: str, figures: dict) -> None:
    RESULTS.parent.mkdir(exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[name] = figures
    RESULTS.write_text(json.dumps(results, indent=2))
    print(name, figures)


async def test_broker_killed_and_restarted(chaos: Chaos) -> None:
    headers = platform_key(chaos)
    await asyncio.to_thread(wait_until_ingest_knows, chaos.url("ingest"), headers)

    async def fault(load: Load) -> dict:
        kill(chaos.kafka.process)
        down_at = time.monotonic()
        await asyncio.sleep(15)
        during = [a for a in load.answers if a[0] > down_at + 1 and a[0] < down_at + 14]
        chaos.kafka = Kafka(
            "kafka", chaos.root / "kafka-2.log", port=chaos.kafka.port,
            controller_port=chaos.kafka.controller_port, data_dir=chaos.kafka.data_dir,
            heap="512m",
        )  # fmt: skip
        await asyncio.to_thread(chaos.kafka.start)
        ready_at, back_at = time.time(), time.monotonic()
        while not any(a[2] == 202 and a[0] > back_at for a in load.answers):
            assert time.monotonic() - back_at < 60, "ingest never accepted again"
            await asyncio.sleep(0.1)
        again = min(a[0] + a[1] for a in load.answers if a[2] == 202 and a[0] > back_at)
        seconds = sorted(a[1] for a in during)
        assert during and {a[2] for a in during} == {503}, {a[2] for a in during}
        assert all(a[3] for a in during), "a 503 without Retry-After"
        return {
            "outage_answers": len(during),
            "outage_answer_seconds_p50": round(seconds[len(seconds) // 2], 3),
            "outage_answer_seconds_max": round(seconds[-1], 3),
            "accepted_during_outage": sum(1 for a in during if a[2] == 202),
            "ingest_accepting_again_seconds": round(again - back_at, 1),
            "ready_at": ready_at,
        }

    record("kafka", await under_load(chaos, headers, fault))


@pytest.mark.parametrize(
    "name", ["classifier", "escalation", "gateway", "desk", "ingest", "pulse", "outreach"]
)
async def test_a_service_killed_and_restarted(chaos: Chaos, name: str) -> None:
    headers = platform_key(chaos)
    await asyncio.to_thread(wait_until_ingest_knows, chaos.url("ingest"), headers)

    async def fault(load: Load) -> dict:
        service = chaos.services[name]
        kill(service.process)
        await asyncio.sleep(2)
        began = time.monotonic()
        await asyncio.to_thread(service.start)
        return {
            "restart_to_ready_seconds": round(time.monotonic() - began, 1),
            "ready_at": time.time(),
        }

    record(f"kill -9 {name}", await under_load(chaos, headers, fault))


async def test_two_classifiers_in_one_group_one_killed(chaos: Chaos) -> None:
    headers = platform_key(chaos)
    second = Service("classifier", chaos.root / "classifier-2.log", port=free_port(), env=chaos.env)
    await asyncio.to_thread(second.start)

    async def fault(load: Load) -> dict:
        kill(chaos.services["classifier"].process)
        chaos.services["classifier"] = second  # the survivor, stopped at the end
        return {"replicas": 2, "killed": 1}

    record("two classifiers, one killed", await under_load(chaos, headers, fault))
