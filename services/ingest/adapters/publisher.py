"""Ingest's producer for what platforms submit, while they wait for the answer.

- The answer must come within `PUBLISH_TIMEOUT_SECONDS`, so a broker outage is a quick 503 with
  Retry-After, not a request hanging until the client gives up. A publish that timed out may
  still reach Kafka once the broker is back; a retry of the same submission has the same id,
  and everything downstream drops repeats.
- Plain aiokafka (acks=all, idempotence, like every producer here) rather than the framework's
  publish: for a batch of 500 posts the per-message cost of the framework (its middlewares, a
  task and a timer per message, ids it makes up) was most of the request's time. A batch is
  queued at once and awaited under one deadline.
- Records come encoded (`domain.submission.encoded`), so the only errors here are Kafka's.
- A record still in flight at the deadline is neither acknowledged nor lost: the caller's
  `settled` callback learns its fate once Kafka answers (the producer's own delivery timeout
  bounds that), so a claim is kept for a post that was published after all and released for
  one that was not.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

HEADERS = [("content-type", b"application/json")]
Record = tuple[bytes, str, bytes]  # value, topic, key
Settled = Callable[[bool], Awaitable[None]]  # told whether a late record was acknowledged


class Delivery(StrEnum):
    ACKED = "acked"
    FAILED = "failed"  # never sent, or refused: not published
    PENDING = "pending"  # still in flight at the deadline


class Unpublished(Exception):
    """Kafka did not acknowledge the record in time (`pending`: it may still), or refused it."""

    def __init__(self, message: str, pending: bool) -> None:
        super().__init__(message)
        self.pending = pending


class Publisher:
    def __init__(self, bootstrap: str, client_id: str, linger_ms: int) -> None:
        self.config = {
            "bootstrap_servers": bootstrap,
            "client_id": client_id,
            "linger_ms": linger_ms,
        }
        self.producer: AIOKafkaProducer | None = None
        self.late: set[asyncio.Task] = set()  # records awaited past their request

    async def start(self) -> None:  # aiokafka's producer belongs to the running loop
        self.producer = AIOKafkaProducer(**self.config, acks="all", enable_idempotence=True)
        await self.producer.start()

    async def stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()

    async def publish(
        self, value: bytes, topic: str, key: bytes, seconds: float, settled: Settled
    ) -> None:
        """One record; Unpublished unless Kafka acknowledged it within `seconds`."""
        outcome = (await self.publish_many([(value, topic, key)], seconds, [settled]))[0]
        if outcome is not Delivery.ACKED:
            pending = outcome is Delivery.PENDING
            raise Unpublished(f"Kafka did not acknowledge within {seconds} s", pending)

    async def publish_many(
        self, records: Sequence[Record], seconds: float, settled: Sequence[Settled]
    ) -> list[Delivery]:
        """What became of each record within `seconds` (for the whole batch); `settled[i]` is
        called later for a record that was still PENDING."""
        assert self.producer is not None, "started in the lifespan"
        sent: list[asyncio.Future] = []
        # a timeout, or Kafka refusing: see what got through
        with contextlib.suppress(KafkaError, TimeoutError):
            async with asyncio.timeout(seconds):
                for value, topic, key in records:
                    future = await self.producer.send(topic, value, key=key, headers=HEADERS)
                    future.add_done_callback(_retrieve)
                    sent.append(future)
                await asyncio.wait(sent)
        outcomes = [_delivery(f) for f in sent]
        for future, outcome, then in zip(sent, outcomes, settled, strict=False):
            if outcome is Delivery.PENDING:
                self._await_late(future, then)
        return outcomes + [Delivery.FAILED] * (len(records) - len(sent))

    def _await_late(self, future: asyncio.Future, then: Settled) -> None:
        async def wait() -> None:
            await asyncio.wait([future])
            await then(_delivery(future) is Delivery.ACKED)

        task = asyncio.create_task(wait())
        self.late.add(task)
        task.add_done_callback(self.late.discard)


def _delivery(future: asyncio.Future) -> Delivery:
    if not future.done():
        return Delivery.PENDING
    ok = not future.cancelled() and future.exception() is None
    return Delivery.ACKED if ok else Delivery.FAILED


def _retrieve(future: asyncio.Future) -> None:
    """A send that fails after its request was answered is still looked at (no warning)."""
    if not future.cancelled():
        future.exception()
