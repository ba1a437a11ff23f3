"""Kafka side of the gateway: materialize Decisions into the Redis read model and enqueue
their webhook deliveries."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.contracts import topics
from services.contracts.events import Decision, WebhookEvent
from services.gateway import metrics
from services.gateway.adapters.decisions import DecisionStore
from services.gateway.adapters.webhooks import DeliveryQueue, WebhookStore
from services.gateway.config import Settings
from services.shared.kafka import batch_subscriber, decode_batch

SERVICE = "gateway"


def register(
    broker: KafkaBroker,
    settings: Settings,
    store: DecisionStore,
    hooks: WebhookStore,
    deliveries: DeliveryQueue,
) -> None:
    @batch_subscriber(broker, topics.DECISIONS, settings.kafka_group_id, settings)
    async def on_decisions(message: KafkaMessage) -> None:
        webhooks: dict[str, list[WebhookEvent]] = {}  # per tenant, read once a batch
        for _, decision in await decode_batch(broker, SERVICE, message, Decision, metrics.ERRORS):
            if decision.tenant not in webhooks:
                webhooks[decision.tenant] = await hooks.of_tenant(decision.tenant)
            await materialize(decision, store, webhooks[decision.tenant], deliveries)


async def materialize(
    decision: Decision,
    store: DecisionStore,
    webhooks: list[WebhookEvent],
    deliveries: DeliveryQueue,
) -> None:
    """Enqueue first, store second: a crash in between re-enqueues nothing new on redelivery
    (delivery ids are derived), and a stored decision always has its deliveries."""
    if not await store.is_newer(decision):
        metrics.DECISIONS_STALE.inc()
        return
    await deliveries.enqueue(decision, webhooks)
    await store.store(decision)
    metrics.DECISIONS_MATERIALIZED.inc()
