"""Kafka side of the gateway: materialize Decisions into the Redis read model."""

from __future__ import annotations

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.contracts import topics
from services.contracts.events import Decision
from services.gateway import metrics
from services.gateway.adapters.decisions import DecisionStore
from services.gateway.config import Settings
from services.shared.kafka import PoisonMessage, dead_letter, decode_record, records_of

SERVICE = "gateway"


def register(broker: KafkaBroker, settings: Settings, store: DecisionStore) -> None:
    @broker.subscriber(
        topics.DECISIONS,
        group_id=settings.kafka_group_id,
        batch=True,
        max_records=settings.kafka_max_records,
        batch_timeout_ms=settings.kafka_batch_timeout_ms,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
    )
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
