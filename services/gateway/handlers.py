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
    PoisonMessage,
    batch_subscriber,
    dead_letter,
    decode_record,
    records_of,
)

SERVICE = "gateway"


def register(broker: KafkaBroker, settings: Settings, store: DecisionStore) -> None:
    @batch_subscriber(broker, topics.DECISIONS, settings.kafka_group_id, settings)
    async def on_decisions(message: KafkaMessage) -> None:
        for record in records_of(message):
            try:
                decision = decode_record(Decision, record)
            except PoisonMessage as poison:
                metrics.ERRORS.labels(poison.kind).inc()
                await dead_letter(broker, SERVICE, record, poison.kind, poison.error)
                continue
            if await store.store(decision):
                metrics.DECISIONS_MATERIALIZED.inc()
            else:
                metrics.DECISIONS_STALE.inc()
