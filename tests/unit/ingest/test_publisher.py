"""Ingest's publisher: per post whether Kafka acknowledged it in time, and a quick refusal
instead of a hang when Kafka is unreachable."""

from __future__ import annotations

import asyncio

import pytest

from services.contracts.events import LabeledExample
from services.ingest.adapters.publisher import Publisher, Unpublished


class Producer:
    """aiokafka's producer as a test double: `send` queues and hands back the ack's future."""

    def __init__(self, acked: set[str], stuck_on_send: bool = False) -> None:
        self.acked, self.stuck_on_send = acked, stuck_on_send

    async def send(self, topic, value, key=None, headers=None) -> asyncio.Future:
        if self.stuck_on_send:  # no metadata: Kafka unreachable
            await asyncio.sleep(3600)
        future = asyncio.get_running_loop().create_future()
        if key.decode() in self.acked:
            future.set_result(None)
        return future


def publisher(producer: Producer) -> Publisher:
    found = Publisher("127.0.0.1:1", "test", 0)
    found.producer = producer
    return found


def example(n: int) -> LabeledExample:
    return LabeledExample(example_id=str(n), tenant="acme", source="test", labels={})


async def test_a_batch_reports_which_posts_kafka_acknowledged_in_time() -> None:
    records = [(example(n), "topic", str(n).encode()) for n in range(4)]
    acked = await publisher(Producer({"0", "2"})).publish_many(records, seconds=0.2)
    assert acked == [True, False, True, False]


async def test_kafka_unreachable_is_refused_instead_of_hanging() -> None:
    quiet = publisher(Producer(set(), stuck_on_send=True))
    with pytest.raises(Unpublished):
        await quiet.publish(example(1), "topic", b"1", seconds=0.2)
    assert await quiet.publish_many([(example(2), "t", b"2")], seconds=0.2) == [False]
