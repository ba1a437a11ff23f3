"""Publishing a platform's submission while it waits: the answer must come within
`PUBLISH_TIMEOUT_SECONDS`, so a broker outage is a quick 503 with Retry-After, not a request
hanging until the client gives up. A publish that timed out may still reach Kafka once the
broker is back; a retry of the same submission has the same id, and everything downstream
drops repeats."""

from __future__ import annotations

import asyncio

from faststream.kafka import KafkaBroker
from pydantic import BaseModel


class Unpublished(Exception):
    """Kafka did not acknowledge the event in time (or refused it)."""


async def publish_in_time(
    broker: KafkaBroker, event: BaseModel, topic: str, key: bytes, seconds: float
) -> None:
    try:
        await asyncio.wait_for(
            broker.publish(event.model_dump(mode="json"), topic, key=key), timeout=seconds
        )
    except Exception as error:
        raise Unpublished(repr(error) or type(error).__name__) from error
