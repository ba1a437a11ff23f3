"""Where records become events, in one place: every subscriber here carries the `decoding`
middleware, which turns each record of a batch into its topic's event model before the handler
runs, dead-letters (and counts) the ones that will never decode, and hands the handler the rest
as `Received` (`Events` in a handler's signature). Handlers never see bytes.

A middleware rather than FastStream's body decoder: the body a decoder returns is validated
again against the handler's annotation by fast_depends (a second pydantic pass over every
event), and a decoder cannot dead-letter, which needs the broker."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from faststream import BaseMiddleware
from faststream.kafka import KafkaBroker
from prometheus_client import Counter
from pydantic import BaseModel, TypeAdapter, ValidationError

from services.contracts import topics
from services.contracts.events import DeadLetter
from services.shared.consumer import Context
from services.shared.metrics import DEAD_LETTERS

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


class PoisonMessage(Exception):
    """A record that will never succeed: it goes to the dead-letter topic instead of being retried."""

    def __init__(self, kind: str, error: str) -> None:
        super().__init__(error)
        self.kind, self.error = kind, error


@dataclass
class Received:
    """A batch, decoded: per topic, in the order each topic first appears in the batch (one
    author's events are in one topic's partition, so their order holds), the (record, event)
    pairs that decoded."""

    by_topic: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_topic)

    def pairs(self, topic: str) -> list[tuple[Any, Any]]:
        return self.by_topic.get(topic, [])

    def events(self, topic: str) -> list[Any]:
        return [event for _, event in self.pairs(topic)]

    def __len__(self) -> int:
        return sum(map(len, self.by_topic.values()))


Events = Annotated[Received, Context("events")]


def decoding(models: Mapping[str, Any], service: str, errors: Counter | None = None):
    """The middleware for a subscriber reading `models` (topic -> event model, or a union of
    them); `errors` (labelled by kind) counts what it dead-letters. A record from a topic the
    subscriber does not declare is a wiring error, not a poison message: it raises."""

    class Decoding(BaseMiddleware):
        reads = models  # what it decodes each topic into (checked against the contracts)

        async def consume_scope(self, call_next, msg):  # type: ignore[override]
            broker = self.context.get("broker")
            received = await decode(broker, service, records_of(msg), models, errors)
            with self.context.scope("events", received):
                return await call_next(msg)

    return Decoding


async def decode(
    broker: KafkaBroker, service: str, records, models: Mapping[str, Any], errors=None
) -> Received:
    received = Received()
    for record in records:
        try:
            event = decode_value(models[record.topic], record.value)
        except PoisonMessage as poison:
            if errors is not None:
                errors.labels(poison.kind).inc()
            await dead_letter(broker, service, record, poison.kind, poison.error)
            continue
        received.by_topic.setdefault(record.topic, []).append((record, event))
    return received


def records_of(message) -> tuple:
    """The aiokafka records behind a FastStream message, batch or single."""
    raw = message.raw_message
    return tuple(raw) if isinstance(raw, tuple | list) else (raw,)


def decode_value(model: type[M], value: bytes | None) -> M:
    """Parsed and validated in one pass of pydantic's Rust core (a third of `json.loads` then
    validation, per event); JSON that does not parse is `undecodable`, an event that does not
    fit its model `invalid_schema`."""
    if not value:
        raise PoisonMessage("undecodable", "empty message value")
    try:
        return validator_of(model).validate_json(value)
    except ValidationError as error:
        if any(problem["type"] == "json_invalid" for problem in error.errors()):
            raise PoisonMessage("undecodable", f"not JSON: {error}") from error
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


@dataclass(frozen=True)
class Reads:
    """What a subscriber reads: each topic's event model, the service that dead-letters what
    does not decode, and the counter (labelled by kind) of what it dead-letters."""

    service: str
    models: Mapping[str, Any]
    errors: Counter | None = None

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(self.models)

    def middleware(self) -> type[BaseMiddleware]:
        return decoding(self.models, self.service, self.errors)


async def by_topic(
    received: Received, handlers: Mapping[str, Callable[[list], Awaitable[None]]]
) -> None:
    """A batch that mixes topics: each topic's (record, event) pairs to its handler, in the
    order each topic first appears."""
    for topic in received:
        await handlers[topic](received.pairs(topic))
