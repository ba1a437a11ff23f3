"""Consumer lag, exported by every consuming service for its own consumer groups: how many
messages each partition holds beyond what the group has committed. Read every
`KAFKA_LAG_SECONDS` with two requests to the cluster (committed offsets, end offsets), however
long the topics are. Every replica reports the whole group, so a dashboard takes the max over
instances; the figure is there even while the group's consumers are stuck."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker

from services.shared.kafka import ensure_topics
from services.shared.metrics import CONSUMER_LAG, CONSUMER_LAG_CHECKED
from services.shared.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    lag: int


def lag_of(
    group: str,
    ends: dict[TopicPartition, int],
    committed: dict[TopicPartition, int],
    beginnings: dict[TopicPartition, int],
) -> list[PartitionLag]:
    """A partition the group never committed on is behind by all it holds (the consumers start
    from the earliest offset)."""
    found = []
    for tp, end in sorted(ends.items()):
        done = committed.get(tp, -1)
        start = done if done >= 0 else beginnings.get(tp, 0)
        found.append(PartitionLag(group, tp.topic, tp.partition, max(0, end - start)))
    return found


def consumer_groups(broker: KafkaBroker) -> dict[str, set[str]]:
    """The groups this service's subscribers join, with their topics (replays without a group
    are not consumers to watch)."""
    groups: dict[str, set[str]] = {}
    for subscriber in broker.subscribers:
        group = getattr(subscriber, "group_id", None)
        if group:
            groups.setdefault(group, set()).update(subscriber.topic_names_for_subscribe)
    return groups


async def read_lag(
    admin: AIOKafkaAdminClient, probe: AIOKafkaConsumer, groups: dict[str, set[str]]
) -> list[PartitionLag]:
    names = sorted({name for topics in groups.values() for name in topics})
    partitions = {
        topic["topic"]: [p["partition"] for p in topic["partitions"]]
        for topic in await admin.describe_topics(names)
    }
    found = []
    for group, topics in sorted(groups.items()):
        tps = [TopicPartition(name, p) for name in topics for p in partitions.get(name, ())]
        if not tps:
            continue
        offsets = await admin.list_consumer_group_offsets(group, partitions=tps)
        committed = {tp: meta.offset for tp, meta in offsets.items()}
        ends = await probe.end_offsets(tps)
        beginnings = await probe.beginning_offsets(tps)
        found += lag_of(group, ends, committed, beginnings)
    return found


class LagWatch:
    """The periodic reader behind `kafka_consumer_lag`; started after the broker."""

    def __init__(self, broker: KafkaBroker, settings: ServiceSettings) -> None:
        self.broker, self.settings = broker, settings
        self.task: asyncio.Task | None = None
        self.stopping = asyncio.Event()

    def start(self) -> None:
        if self.settings.kafka_lag_seconds > 0 and consumer_groups(self.broker):
            self.task = asyncio.create_task(self.run(), name="consumer-lag")

    async def stop(self) -> None:
        self.stopping.set()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def run(self) -> None:
        bootstrap = self.settings.kafka_bootstrap_servers
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await admin.start()
        await probe.start()
        try:
            while not self.stopping.is_set():
                await self.read_once(admin, probe)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), self.settings.kafka_lag_seconds)
        finally:
            await probe.stop()
            await admin.close()

    async def read_once(self, admin: AIOKafkaAdminClient, probe: AIOKafkaConsumer) -> None:
        try:
            found = await read_lag(admin, probe, consumer_groups(self.broker))
        except Exception as error:  # Kafka away: keep the last figures, try again later
            log.warning("consumer lag not read", extra={"error": repr(error)})
            return
        for p in found:
            CONSUMER_LAG.labels(p.group, p.topic, str(p.partition)).set(p.lag)
        CONSUMER_LAG_CHECKED.set_to_current_time()


@asynccontextmanager
async def consuming(
    settings: ServiceSettings,
    broker: KafkaBroker,
    before: Callable[[], Awaitable[object]] | None = None,
) -> AsyncIterator[None]:
    """A service's Kafka side for its lifespan, the same in every service: its topics exist,
    `before` has run (say, carrying a merged group's offsets over), its consumers run and their
    lag is watched; on the way out the lag watch stops, then the consumers (after the batch in
    flight)."""
    await ensure_topics(settings)
    if before is not None:
        await before()
    await broker.start()
    lag = LagWatch(broker, settings)
    lag.start()
    try:
        yield
    finally:
        await lag.stop()
        await broker.stop()
