"""What FastStream's Kafka consumer does not offer, kept here and nowhere else (FastStream is
pinned to the minor version this is tested with, `>=0.7.8,<0.8`):

- `Context`: FastStream's context field, resolved on the event loop instead of a worker thread;
- `next_batch`: a batch handed over as soon as records arrive, instead of after a sleep;
- `PacedCommits` and `FlushOnRevoke`: offsets committed at most every interval;
- `Filling`: a per-post group's fetches left to fill while posts come fast enough.

Paced offset commits: a consumer commits what its handler finished at most every interval,
instead of after every batch.

Each commit is a request the broker writes to its offsets log, and the handler's loop waits for
it before fetching again; at a few posts per batch, commits were a large share of the requests
every consumer made. Still at least once: only offsets of records whose handler returned are
committed (FastStream acks after the handler; a failed batch is sought back and handed over
again, replacing what was handed). A crash redelivers at most an interval's worth, which
every consumer here drops as repeats. Stopping the consumer commits what is due, and so does a
rebalance before it takes partitions away (`FlushOnRevoke`), so their next owner starts after
what this one finished.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import deque
from dataclasses import dataclass
from itertools import chain
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import IllegalStateError, KafkaError
from faststream._internal.context.context_type import Context as ThreadedContext

log = logging.getLogger(__name__)
_paced: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_filling: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Context(ThreadedContext):
    """FastStream's `Context`, resolved on the event loop. fast_depends runs a custom field's
    synchronous `use` in a worker thread: two or three thread hops for every message or batch,
    which profiles showed as the largest cost of a handler call."""

    async def use(self, /, **kwargs: Any) -> dict[str, Any]:
        return ThreadedContext.use(self, **kwargs)


async def next_batch(
    subscriber, commit_interval_ms: int, fill: Fill | None, consumer: AIOKafkaConsumer
) -> tuple:
    """The records that arrived, handed over as soon as there are any (it takes the place of
    the subscriber's `get_msg`). FastStream's own loop sleeps for the batch timeout after every
    empty poll: a short timeout then spins while idle (25 wake-ups a second at 20 ms, most of an
    idle service's CPU) and a long one delays the next post by as much. Here the timeout only
    bounds how long an idle consumer waits."""
    found = await consumer.getmany(
        timeout_ms=subscriber.batch_timeout_ms, max_records=subscriber.max_records
    )
    records = tuple(chain.from_iterable(found.values()))
    if commit_interval_ms > 0:
        PacedCommits.of(consumer, commit_interval_ms).handed_over(records)
    if fill is not None:
        Filling.of(consumer, fill).handed_over(len(records), time.monotonic())
    return records


@dataclass(frozen=True)
class Fill:
    wait_ms: int  # the longest Kafka may hold a fetch to fill it
    idle_wait_ms: int  # the consumer's usual fetch wait (answered by the first record)
    records: int = 8  # the batch a fill aims at, in posts: the wait is what brings this many
    per_post: float = 1.0  # records the group reads per post


FILL_BYTES = 1 << 20  # more than a wait brings: the wait, not the size, ends a filling fetch


class Filling:
    """Kafka fills a fetch (holds it until `FILL_BYTES` or the wait ends) only while records
    come fast enough that the wait brings more: at least `EXPECTED` within it. Below that a
    wait only adds latency (at one expected, 10 posts a second with a 100 ms wait filled, and
    their p99 went from 57 to 162 ms for batches of one post all the same), and an idle
    consumer polling every wait burns CPU (four times the idle cost at 25 ms, measured), so the
    fetch is answered by its first record and waits `idle_wait_ms` while nothing comes.

    The wait is the time `records` posts take to come at the current rate, at most `wait_ms`:
    at a busier time the group waits less for the same batch (its latency falls as its rate
    rises) and at a quieter one longer, for a batch worth a wake-up. Rates and batches count
    posts, not records (`per_post`), so every per-post group waits as long at the same rate of
    posts, whatever number of topics it reads. The rate is the count of records handed over
    in the last second; the fetch settings are the fetcher's own, read for each
    request it sends."""

    WINDOW = 1.0  # seconds of records the rate is counted over
    SHORTEST = 0.25  # seconds: records handed over together are not read as a rush
    EXPECTED = 3.0

    def __init__(self, consumer: AIOKafkaConsumer, fill: Fill) -> None:
        self.consumer, self.fill = consumer, fill
        self.seen: deque[tuple[float, int]] = deque()  # (when, records) over the last WINDOW
        self.records = 0  # in `seen`
        self.since: float | None = None  # the first record after a quiet spell

    @classmethod
    def of(cls, consumer: AIOKafkaConsumer, fill: Fill) -> Filling:
        found = _filling.get(consumer)
        if found is None:
            found = _filling[consumer] = cls(consumer, fill)
        return found

    def rate(self, now: float) -> float:
        """Records per second over the last WINDOW (or since the first record after a quiet
        spell, when that is sooner: a rush is seen as it starts, not a second late with its
        posts waiting the longest wait meanwhile): a count, not an average of the gaps between
        batches, which two records handed over together would throw far off."""
        if self.since is None:
            return 0.0
        return self.records / max(self.SHORTEST, min(self.WINDOW, now - self.since))

    def handed_over(self, count: int, now: float) -> None:
        """`count` records handed over at `now`; none means a whole batch timeout without any,
        which ends a spell of filling at once."""
        if count == 0:
            self.seen.clear()
            self.records, self.since = 0, None
        else:
            self.seen.append((now, count))
            self.records += count
            self.since = now if self.since is None else self.since
        while self.seen and self.seen[0][0] <= now - self.WINDOW:
            self.records -= self.seen.popleft()[1]
        posts = self.rate(now) / self.fill.per_post  # a second
        wait = self.fill.wait_ms
        if posts > 0:
            wait = min(wait, round(1000 * self.fill.records / posts))
        if posts * wait / 1000 >= self.EXPECTED:
            self.set(FILL_BYTES, wait)
        else:
            self.set(1, self.fill.idle_wait_ms)

    def set(self, min_bytes: int, wait_ms: int) -> None:
        fetcher = getattr(self.consumer, "_fetcher", None)
        if fetcher is None:
            return
        fetcher._fetch_min_bytes = min_bytes
        fetcher._fetch_max_wait_ms = wait_ms


class PacedCommits:
    """Takes the place of the consumer's `commit` (which FastStream's ack calls) and `stop`."""

    def __init__(self, consumer: AIOKafkaConsumer, interval_ms: int) -> None:
        self.interval = interval_ms / 1000
        self._commit, self._stop = consumer.commit, consumer.stop
        self.handed: dict[TopicPartition, int] = {}
        self.done: dict[TopicPartition, int] = {}
        self.timer: asyncio.TimerHandle | None = None
        self.flushing: set[asyncio.Task] = set()

    @classmethod
    def of(cls, consumer: AIOKafkaConsumer, interval_ms: int) -> PacedCommits:
        paced = _paced.get(consumer)
        if paced is None:
            paced = _paced[consumer] = cls(consumer, interval_ms)
            consumer.commit, consumer.stop = paced.commit, paced.stop  # type: ignore[method-assign]
        return paced

    def handed_over(self, records) -> None:
        """The batch the handler gets next: its offsets are the ones its ack commits."""
        self.handed = {TopicPartition(r.topic, r.partition): r.offset + 1 for r in records}

    async def commit(self, offsets: dict[TopicPartition, int] | None = None) -> None:
        self.done.update(offsets or self.handed)
        self.handed = {}
        if self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(self.interval, self._flush_later)

    def _flush_later(self) -> None:
        self.timer = None
        task = asyncio.create_task(self.flush())
        self.flushing.add(task)
        task.add_done_callback(self.flushing.discard)

    async def flush(self) -> None:
        offsets, self.done = self.done, {}
        if not offsets:
            return
        try:
            await self._commit(offsets)
        except (KafkaError, IllegalStateError) as error:  # a rebalance took the partition
            log.warning(
                "offsets not committed; they will be read again", extra={"error": str(error)}
            )

    async def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.flushing:
            await asyncio.gather(*self.flushing, return_exceptions=True)
        await self.flush()
        await self._stop()


class FlushOnRevoke(ConsumerRebalanceListener):
    """A subscriber's rebalance listener: commits what its handler finished before the group
    hands partitions to another member. `subscriber` is set once FastStream has built it."""

    def __init__(self) -> None:
        self.subscriber = None

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        consumer = getattr(self.subscriber, "consumer", None)
        paced = _paced.get(consumer) if consumer is not None else None
        if paced is not None:
            await paced.flush()

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        return None
