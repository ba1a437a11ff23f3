"""Kafka side of the gateway: materialize Decisions into the Redis read model."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.contracts import topics
from services.contracts.events import Decision
from services.gateway import metrics
from services.gateway.adapters.decisions import DecisionStore
from services.gateway.config import Settings
from services.shared.kafka import (
    batch_subscriber,
    decode_batch,
)

SERVICE = "gateway"


def register(broker: KafkaBroker, settings: Settings, store: DecisionStore) -> None:
    @batch_subscriber(broker, topics.DECISIONS, settings.kafka_group_id, settings)
    async def on_decisions(message: KafkaMessage) -> None:
        for _, decision in await decode_batch(broker, SERVICE, message, Decision, metrics.ERRORS):
            if await store.store(decision):
                metrics.DECISIONS_MATERIALIZED.inc()
            else:
                metrics.DECISIONS_STALE.inc()
