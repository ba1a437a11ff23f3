"""Idle cost against history: CPU that escalation and the gateway burn doing nothing, with an
empty stack and then with a large backlog of open cases and stored decisions.

    python -m benchmarks.idle [--cases 50000] [--decisions 1000000] [--seconds 30]

Starts its own Kafka, Redis, escalation and gateway (the launcher `make up` uses). CPU time is
read from /proc/<pid>/stat (user + system) over each window, so other load on the machine
does not count. The history goes in through the topics, as in production: scored posts that
escalation judges and opens cases for (benchmarks/history.py), and decisions the gateway
stores; the measure starts once every consumer group has caught up. SLA deadlines are hours
out, so nothing falls due while it measures. Prints the numbers and writes
benchmarks/results/idle.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time

from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis as RedisClient

from benchmarks import RESULTS
from benchmarks.cpu import cpu_isa, idle_ms_per_s
from benchmarks.history import caught_up, seed_open_cases
from benchmarks.stack import running_stack
from services.contracts import topics
from services.contracts.events import Action, Decision, PolicyRef, derived_id


def decision(i: int) -> Decision:
    return Decision(
        event_id=derived_id("bench-decision", str(i)),
        post_id=derived_id("bench-decided", str(i)),
        tenant=f"tenant-{i % 20}",
        author_id=f"author-{i % 20000}",
        action=Action.ALLOW,
        policy=PolicyRef(id="default", version="3"),
        scores={"toxicity": 0.01},
    )


async def seed_decisions(bootstrap: str, count: int) -> float:
    """`count` decisions on the decisions topic; seconds until the gateway stored them all."""
    started = time.perf_counter()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=50, acks="all")
    await producer.start()
    try:
        for start in range(0, count, 5000):
            sent = []
            for i in range(start, min(count, start + 5000)):
                event = decision(i)
                key = topics.author_key(event.tenant, event.author_id)
                value = event.model_dump_json().encode()
                sent.append(await producer.send(topics.DECISIONS, value, key=key))
            await asyncio.gather(*sent)
    finally:
        await producer.stop()
    await caught_up(bootstrap, timeout=3600)
    return round(time.perf_counter() - started, 1)


async def redis_memory_mb(url: str) -> int:
    client = RedisClient.from_url(url)
    try:
        return round((await client.info("memory"))["used_memory"] / 2**20)
    finally:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=20.0, help="wait before measuring")
    args = parser.parse_args()

    with running_stack(("escalation", "gateway")) as stack:
        pids = {name: stack.pids[name] for name in ("escalation", "gateway", "kafka", "redis")}
        time.sleep(args.settle)
        empty = idle_ms_per_s(pids, args.seconds)
        print(f"idle, empty: {empty} CPU-ms per second", flush=True)
        cases = asyncio.run(seed_open_cases(stack.kafka.bootstrap, args.cases))
        print(f"seeded {args.cases} open cases through the topics: {cases}", flush=True)
        decided = asyncio.run(seed_decisions(stack.kafka.bootstrap, args.decisions))
        print(f"seeded {args.decisions} decisions through the topic in {decided} s", flush=True)
        memory = asyncio.run(redis_memory_mb(stack.redis.url))
        time.sleep(args.settle)
        full = idle_ms_per_s(pids, args.seconds)
        print(f"idle, with history: {full} CPU-ms per second", flush=True)
    result = {
        "benchmark": "idle",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            **cpu_isa(),
        },
        "window_seconds": args.seconds,
        "history": {
            "open_cases": args.cases,
            "decisions": args.decisions,
            "cases_seconds": cases["processed_seconds"],
            "decisions_seconds": decided,
            "redis_used_memory_mb": memory,
        },
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
