"""Ingest's publisher: per post whether Kafka acknowledged it in time, what became of the ones
still in flight at the deadline, and a quick refusal instead of a hang when Kafka is
unreachable."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import KafkaTimeoutError

from services.ingest.adapters.publisher import Delivery, Publisher, Unpublished


class Producer:
    """aiokafka's producer as a test double: `send` queues and hands back the ack's future."""

    def __init__(
        self, acked: set[str], failed: set[str] = frozenset(), stuck_on_send: bool = False
    ) -> None:
        self.acked, self.failed, self.stuck_on_send = acked, failed, stuck_on_send
        self.futures: dict[str, asyncio.Future] = {}

    async def send(self, topic, value, key=None, headers=None) -> asyncio.Future:
        if self.stuck_on_send:  # no metadata: Kafka unreachable
            await asyncio.sleep(3600)
        future = asyncio.get_running_loop().create_future()
        if key.decode() in self.acked:
            future.set_result(None)
        elif key.decode() in self.failed:
            future.set_exception(KafkaTimeoutError())
        self.futures[key.decode()] = future
        return future


def publisher(producer: Producer) -> Publisher:
    found = Publisher("127.0.0.1:1", "test", 0)
    found.producer = producer
    return found


def records(n: int) -> list[tuple[bytes, str, bytes]]:
    return [(b"{}", "topic", str(i).encode()) for i in range(n)]


class Told:
    def __init__(self) -> None:
        self.answers: list[bool] = []

    async def __call__(self, acked: bool) -> None:
        self.answers.append(acked)


async def test_a_batch_reports_which_posts_kafka_acknowledged_in_time() -> None:
    told = [Told() for _ in range(4)]
    found = await publisher(Producer({"0", "2"}, {"3"})).publish_many(records(4), 0.2, told)
    assert found == [Delivery.ACKED, Delivery.PENDING, Delivery.ACKED, Delivery.FAILED]


async def test_a_record_in_flight_at_the_deadline_is_settled_when_kafka_answers() -> None:
    producer = Producer(set())
    told = [Told(), Told()]
    found = await publisher(producer).publish_many(records(2), 0.1, told)
    assert found == [Delivery.PENDING, Delivery.PENDING]
    producer.futures["0"].set_result(None)
    producer.futures["1"].set_exception(KafkaTimeoutError())
    await asyncio.sleep(0.05)
    assert told[0].answers == [True] and told[1].answers == [False]


async def test_kafka_unreachable_is_refused_instead_of_hanging() -> None:
    quiet = publisher(Producer(set(), stuck_on_send=True))
    with pytest.raises(Unpublished) as refused:
        await quiet.publish(b"{}", "topic", b"1", 0.2, Told())
    assert not refused.value.pending  # never sent: nothing to wait for
    assert await quiet.publish_many(records(1), 0.2, [Told()]) == [Delivery.FAILED]
