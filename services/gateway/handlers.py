"""Kafka side of the gateway: every view it serves platforms, built from the topics by the
projection table below (the same table drives `rebuild`). Decisions, sanctions and staff
replies go to the read model and its webhooks, submitted posts to the pending view, community
alerts to the webhooks, platform keys, webhook registrations and Perspective score maps to their
views."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated

from faststream.kafka import KafkaRouter

from services.contracts import topics
from services.contracts.events import (
    AuthorSanctioned,
    CommunityAlert,
    CredentialEvent,
    Decision,
    PostSubmitted,
    ReplyWritten,
    ScoreMapPublished,
    WebhookEvent,
)
from services.gateway import metrics
from services.gateway.adapters.decisions import DecisionStore
from services.gateway.adapters.posts import KnownPosts
from services.gateway.adapters.score_maps import ScoreMaps
from services.gateway.adapters.webhooks import DeliveryQueue, WebhookStore
from services.gateway.config import Settings
from services.shared.consumer import Context
from services.shared.decoding import Events
from services.shared.kafka import batch_subscriber
from services.shared.keys import PlatformKeys
from services.shared.projections import Projection, project, reads_of

SERVICE = "gateway"


@dataclass(frozen=True)
class Views:
    """The gateway's stores; set once in the broker's context by `create_app`."""

    decisions: DecisionStore
    posts: KnownPosts
    hooks: WebhookStore
    deliveries: DeliveryQueue
    keys: PlatformKeys
    maps: ScoreMaps


Deps = Annotated[Views, Context("gateway")]


async def apply_decisions(views: Views, decisions: list[Decision], live: bool) -> int:
    """Only newer revisions are kept (the store checks each). Live, each newer one is queued
    for the tenant's webhooks before it is stored: a crash in between re-enqueues nothing new on
    redelivery (delivery ids are derived), and a stored decision always has its deliveries. One
    round trip a batch each for the revisions and the stores; a rebuild sends no webhook, so it
    skips reading the revisions."""
    newer = decisions
    if live:
        newer = await views.decisions.newer_of(decisions)
        metrics.DECISIONS_STALE.inc(len(decisions) - len(newer))
        webhooks: dict[str, list[WebhookEvent]] = {}  # per tenant, read once a batch
        for decision in newer:
            if decision.tenant not in webhooks:
                webhooks[decision.tenant] = await views.hooks.of_tenant(decision.tenant)
            await views.deliveries.enqueue(decision, webhooks[decision.tenant])
    stored = sum(await views.decisions.store_many(newer))
    metrics.DECISIONS_MATERIALIZED.inc(stored)
    return stored


async def apply_sanction(views: Views, sanction: AuthorSanctioned, live: bool) -> bool:
    if not await views.decisions.is_new_sanction(sanction):
        return False
    if live:
        await views.deliveries.enqueue(sanction, await views.hooks.of_tenant(sanction.tenant))
    await views.decisions.store_sanction(sanction)
    metrics.SANCTIONS_MATERIALIZED.inc()
    return True


async def apply_reply(views: Views, reply: ReplyWritten, live: bool) -> bool:
    """Onto the feed and, live, to the webhooks: once per reply id, so a retried or redelivered
    reply reaches the platform once (deliveries are queued before the feed entry, as for a
    decision: a crash between them re-enqueues the same delivery ids)."""
    if not await views.decisions.is_new_reply(reply):
        return False
    if live:
        await views.deliveries.enqueue(reply, await views.hooks.of_tenant(reply.tenant))
    stored = await views.decisions.store_reply(reply)
    if stored:
        metrics.REPLIES_MATERIALIZED.inc()
    return stored


async def send_alert(views: Views, alert: CommunityAlert, _: bool) -> None:
    """To the platform's webhooks, once (a redelivered alert is not sent again)."""
    if await views.deliveries.first_time(alert):
        await views.deliveries.enqueue(alert, await views.hooks.of_tenant(alert.tenant))


async def apply_posts(views: Views, events: list[PostSubmitted], _: bool) -> int:
    return await views.posts.add(events)


PROJECTIONS = {
    topics.DECISIONS: Projection(Decision, apply_decisions, many=True),
    topics.POSTS_SUBMITTED: Projection(PostSubmitted, apply_posts, many=True),
    topics.SANCTIONS: Projection(AuthorSanctioned, apply_sanction),
    topics.REPLIES: Projection(ReplyWritten, apply_reply),
    # nothing to keep: an alert only goes to the webhooks, live
    topics.COMMUNITY_ALERTS: Projection(CommunityAlert, send_alert, rebuilt=False),
    topics.CREDENTIALS: Projection(CredentialEvent, lambda v, e, _: v.keys.apply(e)),
    topics.WEBHOOKS: Projection(WebhookEvent, lambda v, e, _: v.hooks.apply(e)),
    topics.SCORE_MAPS: Projection(ScoreMapPublished, lambda v, e, _: v.maps.apply(e)),
}
# the two busy topics share one consumer, the low-volume ones another: an idle consumer still
# polls, so fewer are cheaper
PIPELINE = (topics.DECISIONS, topics.POSTS_SUBMITTED)
VIEWS = tuple(topic for topic in PROJECTIONS if topic not in PIPELINE)
VIEWS_GROUP = "views"  # after KAFKA_GROUP_ID
# the groups that read these topics before they were merged, after KAFKA_GROUP_ID
LEGACY_GROUPS = {topics.SANCTIONS: "sanctions", topics.COMMUNITY_ALERTS: "community-alerts"}


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    group = settings.kafka_group_id
    reads = partial(reads_of, SERVICE, PROJECTIONS, metrics.ERRORS)
    batch_subscriber(routes, reads(*PIPELINE), group, settings, fill=2)(on_pipeline)
    batch_subscriber(routes, reads(*VIEWS), f"{group}-{VIEWS_GROUP}", settings)(on_views)
    return routes


async def on_pipeline(events: Events, views: Deps) -> None:
    """A batch of decisions and submitted posts."""
    await project(PROJECTIONS, views, events, metrics.VIEW_EVENTS)


async def on_views(events: Events, views: Deps) -> None:
    """Sanctions, replies, community alerts, platform keys, webhooks and score maps."""
    await project(PROJECTIONS, views, events, metrics.VIEW_EVENTS)
