"""Decoding in one place: a batch's records become their topic's events, in order, and what will
never decode is dead-lettered and counted, never handed to a handler; through FastStream's
middleware, a subscriber's handler receives the events."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel

from services.contracts import topics
from services.shared.decoding import Events, Reads, by_topic, decode
from services.shared.kafka import event_subscriber
from services.shared.settings import ServiceSettings
from tests.unit.support import Sink


class Strike(BaseModel):
    author: str
    weight: int


class Case(BaseModel):
    case_id: str


MODELS = {"strikes": Strike, "cases": Case}


def record(topic: str, offset: int, value: object) -> SimpleNamespace:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return SimpleNamespace(topic=topic, partition=0, offset=offset, key=None, value=raw)


class Letters:
    """Stands in for the broker's publish: only the dead letters are looked at."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    async def publish(self, message: dict, topic: str, key: bytes) -> None:
        assert topic == topics.DEAD_LETTER
        self.sent.append(message)


def counter() -> Counter:
    return Counter("decoding_errors", "test", ["kind"], registry=CollectorRegistry())


async def test_a_mixed_batch_is_decoded_per_topic_in_order() -> None:
    batch = [
        record("cases", 1, {"case_id": "c-1"}),
        record("strikes", 7, {"author": "u-1", "weight": 2}),
        record("cases", 2, {"case_id": "c-2"}),
    ]
    received = await decode(Letters(), "test", batch, MODELS)  # type: ignore[arg-type]
    assert list(received) == ["cases", "strikes"]
    assert [case.case_id for case in received.events("cases")] == ["c-1", "c-2"]
    assert received.events("strikes") == [Strike(author="u-1", weight=2)]
    assert [r.offset for r, _ in received.pairs("cases")] == [1, 2]
    assert received.events("appeals") == [] and len(received) == 3


async def test_what_never_decodes_is_dead_lettered_and_counted_not_handed_over() -> None:
    letters, errors = Letters(), counter()
    batch = [
        record("strikes", 1, b"{not json"),
        record("strikes", 2, {"author": "u-1", "weight": "heavy"}),
        record("strikes", 3, b""),
        record("strikes", 4, {"author": "u-2", "weight": 1}),
    ]
    received = await decode(letters, "test", batch, MODELS, errors)  # type: ignore[arg-type]
    assert received.events("strikes") == [Strike(author="u-2", weight=1)]
    kinds = [(letter["offset"], letter["error_kind"]) for letter in letters.sent]
    assert kinds == [(1, "undecodable"), (2, "invalid_schema"), (3, "undecodable")]
    assert letters.sent[1]["payload"] == '{"author": "u-1", "weight": "heavy"}'
    assert errors.labels("undecodable")._value.get() == 2
    assert errors.labels("invalid_schema")._value.get() == 1


async def test_a_topic_the_subscriber_does_not_declare_is_a_wiring_error() -> None:
    with pytest.raises(KeyError):
        await decode(Letters(), "test", [record("appeals", 1, {})], MODELS)  # type: ignore[arg-type]


async def test_each_topic_goes_to_its_handler_and_an_unknown_one_is_an_error() -> None:
    batch = [
        record("cases", 1, {"case_id": "c-1"}),
        record("strikes", 2, {"author": "a", "weight": 1}),
    ]
    received = await decode(Letters(), "test", batch, MODELS)  # type: ignore[arg-type]
    seen: list[tuple[str, list[int]]] = []

    def handler(name: str):
        async def handle(pairs: list) -> None:
            seen.append((name, [r.offset for r, _ in pairs]))

        return handle

    await by_topic(received, {"cases": handler("cases"), "strikes": handler("strikes")})
    assert seen == [("cases", [1]), ("strikes", [2])]
    with pytest.raises(KeyError):
        await by_topic(received, {"cases": handler("cases")})


async def test_a_subscriber_hands_its_handler_typed_events() -> None:
    broker, got = KafkaBroker(), []
    sink = Sink(broker, topics.DEAD_LETTER)

    @event_subscriber(broker, Reads("test", MODELS, counter()), "group", ServiceSettings())
    async def handle(events: Events) -> None:
        got.extend(events.events("strikes"))

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish({"author": "u-1", "weight": 3}, "strikes")
        await test_broker.publish({"author": "u-1"}, "strikes")
    assert got == [Strike(author="u-1", weight=3)]
    assert [letter["error_kind"] for letter in sink.seen[topics.DEAD_LETTER]] == ["invalid_schema"]
