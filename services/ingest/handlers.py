"""Kafka side of ingest: the credentials topic, into ingest's view of the platform keys, so a
key issued or revoked at the desk takes effect here within a poll (well under 5 s)."""

from __future__ import annotations

from typing import Annotated

from faststream.kafka import KafkaBroker, KafkaRouter

from services.contracts import topics
from services.contracts.events import CredentialEvent
from services.ingest import metrics
from services.ingest.config import Settings
from services.shared.kafka import Context, KafkaMessage, decode_batch, event_subscriber
from services.shared.keys import PlatformKeys

SERVICE = "ingest"

Keys = Annotated[PlatformKeys, Context("platform_keys")]
Broker = Annotated[KafkaBroker, Context("broker")]


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    event_subscriber(
        routes, topics.CREDENTIALS, f"{settings.kafka_group_id}-credentials", settings
    )(on_credentials)
    return routes


async def on_credentials(message: KafkaMessage, broker: Broker, keys: Keys) -> None:
    for _, event in await decode_batch(broker, SERVICE, message, CredentialEvent, metrics.ERRORS):
        if await keys.apply(event):
            metrics.KEY_EVENTS.labels("revoked" if event.revoked else "issued").inc()
