"""What every outreach route that records something does: publish the event and wait for
Kafka's ack; if Kafka does not take it, 503 with Retry-After and nothing recorded."""

from __future__ import annotations

from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker

from services.contracts.events import Event
from services.shared.errors import ApiError


async def published(
    broker: KafkaBroker, event: Event, topic: str, key: bytes, unsaved: str = "Not saved; retry."
) -> None:
    try:
        await broker.publish(event.model_dump(mode="json"), topic, key=key)
    except (KafkaError, TimeoutError) as error:
        raise ApiError(503, "unavailable", unsaved, headers={"Retry-After": "5"}) from error
