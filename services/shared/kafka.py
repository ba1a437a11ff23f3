"""Kafka wiring shared by the services: the broker, topic creation and the dead-letter path."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from functools import partial
from itertools import chain
from typing import Annotated, Any, TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream import AckPolicy
from faststream._internal.context.context_type import Context as ThreadedContext
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.message import KafkaMessage as RawMessage
from pydantic import BaseModel, TypeAdapter, ValidationError

from services.contracts import topics
from services.contracts.events import DeadLetter
from services.shared.commits import FlushOnRevoke, PacedCommits
from services.shared.metrics import DEAD_LETTERS
from services.shared.settings import ServiceSettings

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


class Context(ThreadedContext):
    """FastStream's `Context`, resolved on the event loop. fast_depends runs a custom field's
    synchronous `use` in a worker thread: two or three thread hops for every message or batch,
    which profiles showed as the largest cost of a handler call."""

    async def use(self, /, **kwargs: Any) -> dict[str, Any]:
        return ThreadedContext.use(self, **kwargs)


KafkaMessage = Annotated[RawMessage, Context("message")]


def batch_subscriber(
    broker: KafkaBroker | KafkaRouter,
    topic: str | tuple[str, ...],
    group_id: str,
    settings: ServiceSettings,
    start: str = "earliest",
):
    """At-least-once batch consumption, the same for every consumer here: offsets are committed
    only after the handler returns (after its outputs are acknowledged by Kafka); an exception
    rewinds the batch, which is then redelivered. Several topics share one consumer, whose
    batches then mix them (an idle consumer still polls, so fewer is cheaper). `start`: where a
    group without committed offsets begins."""
    revocations = FlushOnRevoke()
    subscriber = broker.subscriber(
        *((topic,) if isinstance(topic, str) else topic),
        group_id=group_id,
        listener=revocations,
        batch=True,
        max_records=settings.kafka_max_records,
        batch_timeout_ms=settings.kafka_batch_timeout_ms,
        auto_offset_reset=start,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
    )
    subscriber.get_msg = partial(next_batch, subscriber, settings.kafka_commit_interval_ms)
    revocations.subscriber = subscriber
    return subscriber


async def next_batch(subscriber, commit_interval_ms: int, consumer: AIOKafkaConsumer) -> tuple:
    """The records that arrived, handed over as soon as there are any. FastStream's own loop
    sleeps for the batch timeout after every empty poll: a short timeout then spins while idle
    (25 wake-ups a second at 20 ms, most of an idle service's CPU) and a long one delays the
    next post by as much. Here the timeout only bounds how long an idle consumer waits."""
    found = await consumer.getmany(
        timeout_ms=subscriber.batch_timeout_ms, max_records=subscriber.max_records
    )
    records = tuple(chain.from_iterable(found.values()))
    if commit_interval_ms > 0:
        PacedCommits.of(consumer, commit_interval_ms).handed_over(records)
    return records


async def by_topic(records, handlers: Mapping[str, Callable[[list], Awaitable[None]]]) -> None:
    """A batch that mixes topics, each topic's records to its handler, in the order each topic
    first appears (one author's events are in one topic's partition, so their order holds)."""
    grouped: dict[str, list] = {}
    for record in records:
        grouped.setdefault(record.topic, []).append(record)
    for topic, group in grouped.items():
        await handlers[topic](group)


def event_subscriber(
    broker: KafkaBroker | KafkaRouter, topic: str, group_id: str, settings: ServiceSettings
):
    """At-least-once, one message at a time, for a service's only low-volume topic (ingest's
    credentials; a service with several merges them into one `batch_subscriber`, as an idle
    consumer still fetches twice a second). The offset is committed once the handler returns."""
    return broker.subscriber(
        topic,
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


def replay_subscriber(broker: KafkaBroker | KafkaRouter, topic: str, settings: ServiceSettings):
    """Every replica reads the whole topic into memory (published policies, crisis switches):
    no group, nothing committed."""
    return broker.subscriber(
        topic,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
    )


def make_broker(settings: ServiceSettings, service: str) -> KafkaBroker:
    """Producer with acks=all and idempotence; graceful stop waits for in-flight handlers."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=f"{settings.kafka_client_id}-{service}",
        acks="all",
        enable_idempotence=True,
        linger_ms=settings.kafka_linger_ms,
        graceful_timeout=settings.shutdown_grace_seconds,
        logger=logging.getLogger(f"faststream.{service}"),
        # "Received"/"Processed" for every message is debugging, not an INFO line per post
        log_level=logging.DEBUG,
    )


async def ensure_topics(settings: ServiceSettings) -> None:
    """Create every topic with its configured partitions; existing topics are left alone."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(spec.name, settings.kafka_partitions or spec.partitions, 1)
            for spec in topics.TOPICS
            if spec.name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another service was first
                await admin.create_topics(missing)
            log.info("created topics", extra={"topics": [t.name for t in missing]})
    finally:
        await admin.close()


async def dead_letter(
    broker: KafkaBroker,
    service: str,
    record,  # aiokafka ConsumerRecord
    error_kind: str,
    error: str,
) -> DeadLetter:
    """Park a message this service cannot handle, with the reason, so the consumer moves on."""
    value: bytes = record.value or b""
    letter = DeadLetter(
        service=service,
        source_topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key.decode(errors="replace") if record.key else None,
        payload=value.decode(errors="replace"),
        error_kind=error_kind,
        error=error[:2000],
    )
    await broker.publish(
        letter.model_dump(mode="json"), topics.DEAD_LETTER, key=record.topic.encode()
    )
    DEAD_LETTERS.labels(service, record.topic, error_kind).inc()
    log.warning(
        "dead-lettered a message",
        extra={
            "topic": record.topic,
            "offset": record.offset,
            "error_kind": error_kind,
            "error": error[:300],
        },
    )
    return letter


class PoisonMessage(Exception):
    """A record that will never succeed: it goes to the dead-letter topic instead of being retried."""

    def __init__(self, kind: str, error: str) -> None:
        super().__init__(error)
        self.kind, self.error = kind, error


async def decode_batch(
    broker: KafkaBroker, service: str, message, model: type[M], errors=None
) -> list[tuple[Any, M]]:
    """(record, event) for each record of the batch that decodes; the rest are dead-lettered
    (and counted in `errors`, a Counter labelled by kind, when given)."""
    return await decode_records(broker, service, records_of(message), model, errors)


async def decode_records(
    broker: KafkaBroker, service: str, records, model: type[M], errors=None
) -> list[tuple[Any, M]]:
    decoded = []
    for record in records:
        try:
            decoded.append((record, decode_record(model, record)))
        except PoisonMessage as poison:
            if errors is not None:
                errors.labels(poison.kind).inc()
            await dead_letter(broker, service, record, poison.kind, poison.error)
    return decoded


def records_of(message) -> tuple:
    """The aiokafka records behind a FastStream message, batch or single."""
    raw = message.raw_message
    return tuple(raw) if isinstance(raw, tuple | list) else (raw,)


def decode_record(model: type[M], record) -> M:
    return decode_value(model, record.value)


def decode_value(model: type[M], value: bytes | None) -> M:
    if not value:
        raise PoisonMessage("undecodable", "empty message value")
    try:
        data = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PoisonMessage("undecodable", f"not JSON: {error}") from error
    try:
        return validator_of(model).validate_python(data)
    except ValidationError as error:
        raise PoisonMessage("invalid_schema", f"not a {name_of(model)}: {error}") from error


_VALIDATORS: dict[int, TypeAdapter] = {}


def validator_of(model: Any) -> TypeAdapter:
    """One validator per event type, whether a model or a union of models (a command); kept
    by identity, as event types are module constants (a union is not always hashable)."""
    found = _VALIDATORS.get(id(model))
    if found is None:
        found = _VALIDATORS[id(model)] = TypeAdapter(model)
    return found


def name_of(model: Any) -> str:
    return getattr(model, "__name__", None) or str(model)


async def publish_all(broker: KafkaBroker, messages: list[tuple[BaseModel, str, bytes]]) -> None:
    """Publish concurrently and wait for every broker ack; raises if any fails (then nothing is
    committed and the batch is redelivered)."""
    await asyncio.gather(
        *(
            broker.publish(event.model_dump(mode="json"), topic, key=key)
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
