"""Ingest's producer for what platforms submit, while they wait for the answer.

- The answer must come within `PUBLISH_TIMEOUT_SECONDS`, so a broker outage is a quick 503 with
  Retry-After, not a request hanging until the client gives up. A publish that timed out may
  still reach Kafka once the broker is back; a retry of the same submission has the same id,
  and everything downstream drops repeats.
- Plain aiokafka (acks=all, idempotence, like every producer here) rather than the framework's
  publish: for a batch of 500 posts the per-message cost of the framework (its middlewares, a
  task and a timer per message, ids it makes up) was most of the request's time. A batch is
  queued at once and awaited under one deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

HEADERS = [("content-type", b"application/json")]
Record = tuple[BaseModel, str, bytes]  # event, topic, key


class Unpublished(Exception):
    """Kafka did not acknowledge the event in time (or refused it)."""


class Publisher:
    def __init__(self, bootstrap: str, client_id: str, linger_ms: int) -> None:
        self.config = {
            "bootstrap_servers": bootstrap,
            "client_id": client_id,
            "linger_ms": linger_ms,
        }
        self.producer: AIOKafkaProducer | None = None

    async def start(self) -> None:  # aiokafka's producer belongs to the running loop
        self.producer = AIOKafkaProducer(**self.config, acks="all", enable_idempotence=True)
        await self.producer.start()

    async def stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()

    async def publish(self, event: BaseModel, topic: str, key: bytes, seconds: float) -> None:
        if not (await self.publish_many([(event, topic, key)], seconds))[0]:
            raise Unpublished(f"Kafka did not acknowledge within {seconds} s")

    async def publish_many(self, records: Sequence[Record], seconds: float) -> list[bool]:
        """Whether Kafka acknowledged each record within `seconds` (for the whole batch)."""
        sent: list[asyncio.Future] = []
        with contextlib.suppress(Exception):  # a timeout, or Kafka refusing: see what got through
            async with asyncio.timeout(seconds):
                for event, topic, key in records:
                    value = event.model_dump_json().encode()
                    future = await self.producer.send(topic, value, key=key, headers=HEADERS)
                    future.add_done_callback(_retrieve)
                    sent.append(future)
                await asyncio.wait(sent)
        acked = [f.done() and not f.cancelled() and f.exception() is None for f in sent]
        return acked + [False] * (len(records) - len(sent))


def _retrieve(future: asyncio.Future) -> None:
    """A send that fails after its request was answered is still looked at (no warning)."""
    if not future.cancelled():
        future.exception()
