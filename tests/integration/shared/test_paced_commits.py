"""Paced commits on real Kafka, through FastStream's batch consumer: what the handler finished is
committed within the interval, a failed batch is never committed and comes again, and stopping
or a rebalance commits what is due, so a restart or another member reads nothing twice."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from faststream.kafka import KafkaBroker

from services.shared.decoding import Events, Reads
from services.shared.kafka import batch_subscriber
from services.shared.settings import ServiceSettings
from tests.conftest import Infra
from tests.integration.helpers import produce
from tests.integration.shared.test_adopt_offsets import committed, create

pytestmark = pytest.mark.integration


def settings(infra: Infra, interval_ms: int) -> ServiceSettings:
    return ServiceSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        kafka_commit_interval_ms=interval_ms,
        kafka_batch_timeout_ms=200,
    )


async def consume(
    infra: Infra, topic: str, group: str, interval_ms: int, seen: list[bytes], fail_once=b""
) -> KafkaBroker:
    broker = KafkaBroker(infra.kafka_bootstrap)
    failed: set[bytes] = set()

    @batch_subscriber(broker, Reads("test", {topic: str}), group, settings(infra, interval_ms))
    async def handle(events: Events) -> None:
        values = [event.encode() for event in events.events(topic)]
        if fail_once in values and fail_once not in failed:
            failed.add(fail_once)
            raise RuntimeError("the handler failed on this batch")
        seen.extend(values)

    await broker.start()
    return broker


def j(value: str) -> bytes:
    """A record's value: the subscriber decodes JSON."""
    return json.dumps(value).encode()


async def until(predicate, timeout: float = 20.0) -> float:
    started = time.monotonic()
    while not await predicate():
        assert time.monotonic() - started < timeout, "timed out"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def test_handled_records_are_committed_within_the_interval(infra: Infra) -> None:
    topic, group = f"paced-{time.time_ns()}", f"paced-group-{time.time_ns()}"
    await create(infra.kafka_bootstrap, topic)
    await produce(infra.kafka_bootstrap, topic, [j(f"post-{i}") for i in range(20)])
    seen: list[bytes] = []
    broker = await consume(infra, topic, group, 1000, seen, fail_once=b"post-10")
    try:
        await until(lambda: asyncio.sleep(0, len(seen) >= 20))

        async def all_committed() -> bool:
            return (await committed(infra.kafka_bootstrap, group)).get(topic) == 20

        took = await until(all_committed)
    finally:
        await broker.stop()
    assert sorted(seen) == sorted({f"post-{i}".encode() for i in range(20)}), seen
    assert took < 3.0, took  # one interval (1 s) and a request, generously


async def test_stopping_commits_what_is_due_and_a_restart_reads_nothing_twice(
    infra: Infra,
) -> None:
    topic, group = f"paced-stop-{time.time_ns()}", f"paced-stop-group-{time.time_ns()}"
    await create(infra.kafka_bootstrap, topic)
    await produce(infra.kafka_bootstrap, topic, [j(f"a-{i}") for i in range(5)])
    first: list[bytes] = []
    broker = await consume(infra, topic, group, 600_000, first)  # never on its own
    await until(lambda: asyncio.sleep(0, len(first) >= 5))
    assert (await committed(infra.kafka_bootstrap, group)).get(topic) in (None, -1)
    await broker.stop()
    assert (await committed(infra.kafka_bootstrap, group)).get(topic) == 5

    await produce(infra.kafka_bootstrap, topic, [j("b-0"), j("b-1")])
    second: list[bytes] = []
    broker = await consume(infra, topic, group, 600_000, second)
    try:
        await until(lambda: asyncio.sleep(0, len(second) >= 2))
        await asyncio.sleep(0.5)  # anything read twice would have come by now
    finally:
        await broker.stop()
    assert second == [b"b-0", b"b-1"]


async def test_a_rebalance_commits_what_is_due_before_partitions_move(infra: Infra) -> None:
    topic, group = f"paced-move-{time.time_ns()}", f"paced-move-group-{time.time_ns()}"
    await create(infra.kafka_bootstrap, topic)
    await produce(infra.kafka_bootstrap, topic, [j(f"a-{i}") for i in range(5)])
    first: list[bytes] = []
    broker = await consume(infra, topic, group, 600_000, first)  # never on its own
    second: list[bytes] = []
    joining = None
    try:
        await until(lambda: asyncio.sleep(0, len(first) >= 5))
        assert (await committed(infra.kafka_bootstrap, group)).get(topic) in (None, -1)
        joining = await consume(infra, topic, group, 600_000, second)  # the group rebalances

        async def due_committed() -> bool:
            return (await committed(infra.kafka_bootstrap, group)).get(topic) == 5

        await until(due_committed, timeout=45.0)  # a rebalance waits for the next heartbeat
        await asyncio.sleep(1.0)  # a member that started before the commit would have read now
    finally:
        if joining is not None:
            await joining.stop()
        await broker.stop()
    assert second == [] and sorted(first) == [f"a-{i}".encode() for i in range(5)]
