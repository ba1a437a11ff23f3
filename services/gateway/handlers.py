"""Kafka side of the gateway: it builds every view it serves platforms from the topics.
Decisions and sanctions go to the read model and its webhooks, submitted posts to the pending
view, community alerts to the webhooks, and platform keys to its view of the credentials."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated

from faststream.kafka import KafkaBroker, KafkaRouter

from services.contracts import topics
from services.contracts.events import (
    AuthorSanctioned,
    CommunityAlert,
    CredentialEvent,
    Decision,
    PostSubmitted,
    WebhookEvent,
)
from services.gateway import metrics
from services.gateway.adapters.decisions import DecisionStore, KnownPosts
from services.gateway.adapters.webhooks import DeliveryQueue, WebhookStore
from services.gateway.config import Settings
from services.shared.kafka import (
    Context,
    KafkaMessage,
    batch_subscriber,
    by_topic,
    decode_records,
    records_of,
)
from services.shared.keys import PlatformKeys

SERVICE = "gateway"


@dataclass(frozen=True)
class Views:
    """The gateway's stores; set once in the broker's context by `create_app`."""

    decisions: DecisionStore
    posts: KnownPosts
    hooks: WebhookStore
    deliveries: DeliveryQueue
    keys: PlatformKeys


Deps = Annotated[Views, Context("gateway")]
Broker = Annotated[KafkaBroker, Context("broker")]


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    group = settings.kafka_group_id
    # the two busy topics share one consumer: one poll loop instead of two while idle
    batch_subscriber(routes, (topics.DECISIONS, topics.POSTS_SUBMITTED), group, settings)(
        on_pipeline
    )
    # the low-volume topics share another: a consumer polls while idle, so fewer are cheaper
    batch_subscriber(routes, tuple(VIEWS), f"{group}-{VIEWS_GROUP}", settings)(on_views)
    return routes


async def on_pipeline(message: KafkaMessage, broker: Broker, views: Deps) -> None:
    """A batch of decisions and submitted posts, each topic handled in the order it came."""
    records = records_of(message)
    posts = [r for r in records if r.topic == topics.POSTS_SUBMITTED]
    decisions = [r for r in records if r.topic == topics.DECISIONS]
    if posts:
        await on_posts(broker, views, posts)
    if decisions:
        await on_decisions(broker, views, decisions)


async def on_views(message: KafkaMessage, broker: Broker, views: Deps) -> None:
    """Sanctions, community alerts and platform keys."""
    await by_topic(
        records_of(message),
        {topic: partial(handler, broker, views) for topic, handler in VIEWS.items()},
    )


async def on_decisions(broker: KafkaBroker, views: Views, records) -> None:
    """Enqueue first, store second: a crash in between re-enqueues nothing new on redelivery
    (delivery ids are derived), and a stored decision always has its deliveries. The batch's
    revisions are read, and its decisions stored, in one round trip each."""
    decoded = await decode_records(broker, SERVICE, records, Decision, metrics.ERRORS)
    decisions = [decision for _, decision in decoded]
    newer = await views.decisions.newer_of(decisions)
    metrics.DECISIONS_STALE.inc(len(decisions) - len(newer))
    webhooks: dict[str, list[WebhookEvent]] = {}  # per tenant, read once a batch
    for decision in newer:
        if decision.tenant not in webhooks:
            webhooks[decision.tenant] = await views.hooks.of_tenant(decision.tenant)
        await views.deliveries.enqueue(decision, webhooks[decision.tenant])
    await views.decisions.store_many(newer)
    metrics.DECISIONS_MATERIALIZED.inc(len(newer))


async def on_sanctions(broker: KafkaBroker, views: Views, records) -> None:
    for _, sanction in await decode_records(
        broker, SERVICE, records, AuthorSanctioned, metrics.ERRORS
    ):
        if not await views.decisions.is_new_sanction(sanction):
            continue
        await views.deliveries.enqueue(sanction, await views.hooks.of_tenant(sanction.tenant))
        await views.decisions.store_sanction(sanction)
        metrics.SANCTIONS_MATERIALIZED.inc()


async def on_posts(broker: KafkaBroker, views: Views, records) -> None:
    events = await decode_records(broker, SERVICE, records, PostSubmitted, metrics.ERRORS)
    await views.posts.add([event for _, event in events])
    metrics.VIEW_EVENTS.labels(topics.POSTS_SUBMITTED).inc(len(events))


async def on_community_alerts(broker: KafkaBroker, views: Views, records) -> None:
    """Each alert to the platform's webhooks, once (a redelivered alert is not sent again)."""
    for _, alert in await decode_records(broker, SERVICE, records, CommunityAlert, metrics.ERRORS):
        if await views.deliveries.first_time(alert):
            await views.deliveries.enqueue(alert, await views.hooks.of_tenant(alert.tenant))
        metrics.VIEW_EVENTS.labels(topics.COMMUNITY_ALERTS).inc()


async def on_credentials(broker: KafkaBroker, views: Views, records) -> None:
    """Platform keys issued or revoked at the desk: known or refused here within a poll."""
    for _, event in await decode_records(broker, SERVICE, records, CredentialEvent, metrics.ERRORS):
        await views.keys.apply(event)
        metrics.VIEW_EVENTS.labels(topics.CREDENTIALS).inc()


VIEWS = {
    topics.SANCTIONS: on_sanctions,
    topics.COMMUNITY_ALERTS: on_community_alerts,
    topics.CREDENTIALS: on_credentials,
}
VIEWS_GROUP = "views"  # after KAFKA_GROUP_ID
# the groups that read these topics before they were merged, after KAFKA_GROUP_ID
LEGACY_GROUPS = {topics.SANCTIONS: "sanctions", topics.COMMUNITY_ALERTS: "community-alerts"}
