"""Kafka wiring shared by the services: the broker, its subscribers, topic creation, and reading
a topic from its start (rebuilds and reports)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from functools import partial
from typing import TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaRouter
from pydantic import BaseModel

from services.contracts import topics
from services.shared.consumer import Fill, FlushOnRevoke, next_batch
from services.shared.decoding import PoisonMessage, Reads, decode_value
from services.shared.settings import ServiceSettings

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


def reading(broker: KafkaBroker | KafkaRouter, reads: Reads) -> KafkaRouter:
    """A router of its own for one subscriber, carrying its decoding middleware (FastStream
    0.7 puts middlewares on brokers and routers, not on subscribers)."""
    router = KafkaRouter(middlewares=[reads.middleware()])
    broker.include_router(router)
    return router


def batch_subscriber(
    broker: KafkaBroker | KafkaRouter,
    reads: Reads,
    group_id: str,
    settings: ServiceSettings,
    start: str = "earliest",
    fill: float = 0.0,
):
    """At-least-once batch consumption, the same for every consumer here: offsets are committed
    only after the handler returns (after its outputs are acknowledged by Kafka); an exception
    rewinds the batch, which is then redelivered. Several topics share one consumer, whose
    batches then mix them (an idle consumer still polls, so fewer is cheaper). `start`: where a
    group without committed offsets begins. The handler receives `reads`' events, decoded.
    `fill`: for a per-post group, the records it reads per post (the gateway's pipeline reads
    a decision and a post for each); its fetches Kafka may hold up to `KAFKA_FILL_WAIT_MS` to
    fill while posts come fast enough (`consumer.Filling`). 0: never."""
    wait = settings.kafka_fetch_max_wait_ms
    filling = (
        Fill(settings.kafka_fill_wait_ms, wait, settings.kafka_fill_records, fill)
        if fill and settings.kafka_fill_wait_ms
        else None
    )
    revocations = FlushOnRevoke()
    subscriber = reading(broker, reads).subscriber(
        *reads.topics,
        group_id=group_id,
        listener=revocations,
        batch=True,
        max_records=settings.kafka_max_records,
        batch_timeout_ms=settings.kafka_batch_timeout_ms,
        auto_offset_reset=start,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        fetch_max_wait_ms=wait,
    )
    subscriber.get_msg = partial(next_batch, subscriber, settings.kafka_commit_interval_ms, filling)
    revocations.subscriber = subscriber
    return subscriber


def event_subscriber(
    broker: KafkaBroker | KafkaRouter, reads: Reads, group_id: str, settings: ServiceSettings
):
    """At-least-once, one message at a time, for a service's only low-volume topic (ingest's
    credentials; a service with several merges them into one `batch_subscriber`, as an idle
    consumer still fetches twice a second). The offset is committed once the handler returns."""
    return reading(broker, reads).subscriber(
        *reads.topics,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
    )


async def adopt_offsets(bootstrap: str, group_id: str, legacy: Mapping[str, str]) -> int:
    """Carry committed offsets over when topics move into a merged consumer group: `legacy`
    names, per topic, the group that read it before. Without this a new group starts from the
    beginning and re-applies every past event to views that already hold them (counts such as
    SLA breaches would double). Only when the group has committed nothing for those topics yet,
    so a later start changes nothing. Returns how many partitions were carried over."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed = partial(offsets_of, admin)
        if any(tp.topic in legacy for tp in await committed(group_id)):
            return 0
        offsets = {}
        for topic, old_group in legacy.items():
            for tp, meta in (await committed(old_group)).items():
                if tp.topic == topic and meta.offset >= 0:
                    offsets[tp] = meta.offset
    finally:
        await admin.close()
    if offsets:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False
        )
        await consumer.start()
        try:
            consumer.assign(list(offsets))
            await consumer.commit(offsets)
        finally:
            await consumer.stop()
        log.info("carried offsets over", extra={"group": group_id, "partitions": len(offsets)})
    return len(offsets)


async def adopt_group_offsets(
    settings: ServiceSettings, merged: str, legacy: Mapping[str, str]
) -> int:
    """`adopt_offsets` with the groups named by suffix after the service's `KAFKA_GROUP_ID`:
    the merged group `<id>-<merged>`, and per topic the group `<id>-<suffix>` that read it."""
    group = settings.kafka_group_id
    return await adopt_offsets(
        settings.kafka_bootstrap_servers,
        f"{group}-{merged}",
        {topic: f"{group}-{suffix}" for topic, suffix in legacy.items()},
    )


async def offsets_of(admin: AIOKafkaAdminClient, group_id: str, attempts: int = 60) -> dict:
    """A group's committed offsets. A broker that has just started answers "coordinator not
    available" until its offsets topic is up: asked again, for up to half a minute."""
    for _ in range(attempts - 1):
        try:
            return await admin.list_consumer_group_offsets(group_id)
        except KafkaError as error:
            if not error.retriable:
                raise
        await asyncio.sleep(0.5)
    return await admin.list_consumer_group_offsets(group_id)


def replay_subscriber(broker: KafkaBroker | KafkaRouter, reads: Reads, settings: ServiceSettings):
    """Every replica reads the whole topic into memory (published policies, crisis switches):
    no group, nothing committed."""
    return reading(broker, reads).subscriber(
        *reads.topics,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
    )


def make_broker(settings: ServiceSettings, service: str) -> KafkaBroker:
    """Producer with acks=all and idempotence; graceful stop waits for in-flight handlers."""
    return KafkaBroker(
        # a cluster's brokers as a list: FastStream hands a string to aiokafka as one address
        [server.strip() for server in settings.kafka_bootstrap_servers.split(",")],
        client_id=f"{settings.kafka_client_id}-{service}",
        acks="all",
        enable_idempotence=True,
        linger_ms=settings.kafka_linger_ms,
        graceful_timeout=settings.shutdown_grace_seconds,
        logger=logging.getLogger(f"faststream.{service}"),
        # "Received"/"Processed" for every message is debugging, not an INFO line per post
        log_level=logging.DEBUG,
    )


def replication(wanted: int, brokers: int) -> tuple[int, dict[str, str]]:
    """Copies of a topic and its configs: `wanted` copies, at most one per broker, and with
    three or more a write needs two of them in sync (acks=all), so one broker can die without
    losing an acknowledged event or stopping writes."""
    copies = max(1, min(wanted, brokers))
    return copies, {"min.insync.replicas": "2" if copies >= 3 else "1"}


async def ensure_topics(settings: ServiceSettings) -> None:
    """Create every topic with its configured partitions and copies (all of them carry the
    system of record); existing topics are left alone."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        brokers = len((await admin.describe_cluster())["brokers"])
        copies, configs = replication(settings.kafka_replication_factor, brokers)
        missing = [
            NewTopic(
                spec.name,
                settings.kafka_partitions or spec.partitions,
                copies,
                topic_configs=configs,
            )
            for spec in topics.TOPICS
            if spec.name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another service was first
                await admin.create_topics(missing)
            log.info("created topics", extra={"topics": [t.name for t in missing]})
    finally:
        await admin.close()


JSON = {"content-type": "application/json"}


async def publish_all(broker: KafkaBroker, messages: list[tuple[BaseModel, str, bytes]]) -> None:
    """Publish concurrently and wait for every broker ack; raises if any fails (then nothing is
    committed and the batch is redelivered). Each event is encoded by pydantic's Rust core
    (a third of a dict dump and `json.dumps`)."""
    await asyncio.gather(
        *(
            broker.publish(event.model_dump_json().encode(), topic, key=key, headers=JSON)
            for event, topic, key in messages
        )
    )


async def publish_for_tenant(broker: KafkaBroker, topic: str, event: BaseModel) -> None:
    """A platform's own configuration event (credentials, webhooks, policies), keyed by its
    tenant so one platform's changes stay in order."""
    await publish_all(broker, [(event, topic, topics.tenant_key(event.tenant))])


async def read_topic(
    bootstrap: str, topic: str, since: float | None = None
) -> AsyncIterator[bytes]:
    """Every value on `topic`, from the beginning (or from the first record at or after the
    unix time `since`: reports read a period, not the history) to the end offsets seen when it
    starts (for rebuilds and reports; no consumer group is joined and nothing is committed)."""
    partitions = [TopicPartition(topic, p) for p in await partitions_of(bootstrap, topic)]
    if not partitions:
        return
    # No group, and the first position is the earliest: a reader with a group and Kafka's
    # default ("latest") raced its own seek to the beginning: the default reset's answer could
    # land after the seek and leave the reader at the end, so a rebuild silently missed
    # records (seen in the rebuild test). The seek to a time comes once that position is set.
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for partition in partitions:
            await consumer.position(partition)
        if since is not None:
            at_ms = max(0, int(since * 1000))
            found = await consumer.offsets_for_times({p: at_ms for p in partitions})
            for partition, at in found.items():
                consumer.seek(partition, at.offset if at is not None else ends[partition])
        while await _behind(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    yield record.value
    finally:
        await consumer.stop()


UNKNOWN_TOPIC = 3  # Kafka's error code


async def partitions_of(bootstrap: str, topic: str, attempts: int = 20) -> list[int]:
    """The topic's partition numbers; none if it does not exist. A busy broker can answer a
    metadata request with an error for the topic (no leader yet): asked again, not read as
    "empty", or a rebuild would silently skip the topic."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for _ in range(attempts):
            for described in await admin.describe_topics([topic]):
                if described["error_code"] == UNKNOWN_TOPIC:
                    return []
                if described["error_code"] == 0 and described["partitions"]:
                    return sorted(p["partition"] for p in described["partitions"])
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    raise RuntimeError(f"Kafka did not describe {topic}")


async def read_events(
    bootstrap: str, topic: str, model: type[M], since: float | None = None
) -> AsyncIterator[M]:
    """`read_topic`, decoded; a value that does not decode was dead-lettered when it was
    consumed live, so a rebuild skips it too (and says so in the log)."""
    async for value in read_topic(bootstrap, topic, since):
        try:
            yield decode_value(model, value)
        except PoisonMessage as poison:
            log.warning(
                "skipped a message on replay", extra={"topic": topic, "error": poison.error}
            )


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False
