"""Idle cost against history: CPU that escalation and the gateway burn doing nothing, with an
empty Redis and then with a large backlog of open cases and stored decisions.

    python -m benchmarks.idle [--cases 50000] [--decisions 1000000] [--seconds 30]

Starts its own Kafka, Redis, escalation and gateway (the launcher `make up` uses). CPU time is
read from /proc/<pid>/stat (user + system) over each window, so other load on the machine
does not count. The backlog is written straight into each service's own Redis keys through its
own adapters (50,000 cases through the pipeline would take this 2-core machine most of an
hour); SLA deadlines are a day out, so nothing is due. Prints the numbers and writes
benchmarks/results/idle.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redis.asyncio import Redis as RedisClient

from benchmarks.cpu import idle_ms_per_s
from deploy.localstack import Kafka, Redis, Service, free_port, service_env
from services.contracts.cases import case_id_for, fold
from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    Decision,
    PolicyRef,
    Post,
    derived_id,
)
from services.escalation.adapters.cases import CaseStore
from services.gateway.adapters.cases import CaseBoard
from services.gateway.adapters.decisions import DecisionStore

RESULTS = Path(__file__).resolve().parent / "results"
QUEUES = ("general", "safety", "identity", "feedback")


def opened(i: int, now: datetime) -> CaseEvent:
    tenant, author = f"tenant-{i % 20}", f"author-{i % 5000}"
    post_id = derived_id("bench-post", str(i))
    post = Post(post_id=post_id, tenant=tenant, external_id=f"x{i}", author_id=author, text="t")
    return CaseEvent(
        occurred_at=now - timedelta(seconds=i % 3600),
        case_id=case_id_for(post_id), post_id=post_id, tenant=tenant, author_id=author,
        kind=CaseEventKind.OPENED, queue=QUEUES[i % len(QUEUES)], actor="system",
        priority=i % 6, sla_deadline=now + timedelta(days=1), post=post, scores={"toxicity": 0.9},
    )  # fmt: skip


async def seed(redis_url: str, cases: int, decisions: int) -> dict[str, float]:
    redis = RedisClient.from_url(redis_url, decode_responses=True)
    escalation, board, store = CaseStore(redis), CaseBoard(redis), DecisionStore(redis)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, cases, 50):
        events = [opened(i, now) for i in range(start, min(cases, start + 50))]
        await asyncio.gather(*(escalation.save(fold(None, e), None) for e in events))
        await asyncio.gather(*(board.apply(e) for e in events))
    seeded_cases = time.perf_counter() - started
    policy = PolicyRef(id="default", version="2")
    for start in range(0, decisions, 50):
        batch = [
            Decision(
                event_id=derived_id("bench-decision", str(i)),
                post_id=derived_id("bench-decided", str(i)),
                tenant=f"tenant-{i % 20}",
                author_id=f"author-{i % 20000}",
                action=Action.ALLOW,
                policy=policy,
                scores={"toxicity": 0.01},
            )
            for i in range(start, min(decisions, start + 50))
        ]
        await asyncio.gather(*(store.store(d) for d in batch))
    memory = (await redis.info("memory"))["used_memory"]
    await redis.aclose()
    return {
        "cases_seconds": round(seeded_cases, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "redis_used_memory_mb": round(memory / 2**20),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=20.0, help="wait before measuring")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-idle-"))
    kafka = Kafka("kafka", root / "kafka.log", port=free_port(), controller_port=free_port(),
                  data_dir=root / "kafka")  # fmt: skip
    redis = Redis("redis", root / "redis.log", port=free_port(), data_dir=root / "redis",
                  appendonly=False)  # fmt: skip
    kafka.start()
    redis.start()
    ports = {name: free_port() for name in ("escalation", "gateway")}
    env = {**service_env(kafka.bootstrap, redis.url, {**ports, "classifier": 1, "ingest": 1})}
    services = {n: Service(n, root / f"{n}.log", port=ports[n], env=env) for n in ports}
    try:
        for service in services.values():
            service.start()
        pids = {name: s.pid or 0 for name, s in services.items()}
        time.sleep(args.settle)
        empty = idle_ms_per_s(pids, args.seconds)
        print(f"idle, empty: {empty} CPU-ms per second", flush=True)
        seeded = asyncio.run(seed(redis.url, args.cases, args.decisions))
        print(f"seeded {args.cases} open cases, {args.decisions} decisions: {seeded}", flush=True)
        time.sleep(args.settle)
        full = idle_ms_per_s(pids, args.seconds)
        print(f"idle, with history: {full} CPU-ms per second", flush=True)
    finally:
        for service in services.values():
            service.stop(timeout=15)
        redis.stop(timeout=5)
        kafka.stop(timeout=10)
    result = {
        "benchmark": "idle",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
        },
        "window_seconds": args.seconds,
        "history": {"open_cases": args.cases, "decisions": args.decisions, **seeded},
        "cpu_ms_per_s_empty": empty,
        "cpu_ms_per_s_with_history": full,
        "share_of_a_core_with_history": {k: round(v / 1000, 4) for k, v in full.items()},
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "idle.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
