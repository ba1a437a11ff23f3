"""The commit pacer commits only what handlers finished, at most once an interval."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError

from services.shared.kafka import CommitPacer

A, B = TopicPartition("t", 0), TopicPartition("t", 1)


@dataclass
class Record:
    topic: str
    partition: int
    offset: int


@dataclass(eq=False)  # hashable: the pacer is found by its consumer
class Consumer:
    commits: list[dict] = field(default_factory=list)
    stopped: bool = False
    fail: bool = False

    async def commit(self, offsets=None) -> None:
        if self.fail:
            raise CommitFailedError("rebalanced")
        self.commits.append(dict(offsets))

    async def stop(self) -> None:
        self.stopped = True


def batch(*offsets: tuple[int, int]) -> tuple[Record, ...]:
    return tuple(Record("t", partition, offset) for partition, offset in offsets)


async def test_acks_within_an_interval_make_one_commit_of_the_latest_offsets() -> None:
    consumer = Consumer()
    pacer = CommitPacer.of(consumer, interval_ms=50)
    pacer.handed_over(batch((0, 10), (1, 3)))
    await consumer.commit()  # FastStream's ack
    pacer.handed_over(batch((0, 11)))
    await consumer.commit()
    assert consumer.commits == []
    await asyncio.sleep(0.1)
    assert consumer.commits == [{A: 12, B: 4}]


async def test_a_batch_handed_over_again_after_a_failure_is_not_committed_until_acked() -> None:
    consumer = Consumer()
    pacer = CommitPacer.of(consumer, interval_ms=20)
    pacer.handed_over(batch((0, 5)))
    await consumer.commit()
    pacer.handed_over(batch((0, 6), (0, 7)))  # the handler fails: nacked, no ack
    pacer.handed_over(batch((0, 6), (0, 7)))  # sought back and handed over again
    await asyncio.sleep(0.05)
    assert consumer.commits == [{A: 6}]
    await consumer.commit()
    await asyncio.sleep(0.05)
    assert consumer.commits == [{A: 6}, {A: 8}]


async def test_stopping_commits_what_was_finished_then_stops() -> None:
    consumer = Consumer()
    pacer = CommitPacer.of(consumer, interval_ms=60_000)
    pacer.handed_over(batch((1, 41)))
    await consumer.commit()
    await consumer.stop()
    assert consumer.commits == [{B: 42}]
    assert consumer.stopped


async def test_a_refused_commit_is_dropped_not_raised_the_records_come_again() -> None:
    consumer = Consumer(fail=True)
    pacer = CommitPacer.of(consumer, interval_ms=0)
    pacer.handed_over(batch((0, 1)))
    await consumer.commit()  # would stop the consumer's loop if it raised
    assert pacer.done == {}


async def test_no_interval_commits_after_every_ack() -> None:
    consumer = Consumer()
    pacer = CommitPacer.of(consumer, interval_ms=0)
    for offset in (1, 2):
        pacer.handed_over(batch((0, offset)))
        await consumer.commit()
    assert consumer.commits == [{A: 2}, {A: 3}]
