"""Kafka side of outreach: the views a reply needs, built from the topics by the projection
table below (the same table drives `rebuild`): the open cases and their first responses
(case events), the reply templates admins saved, how the product team owns each theme, and
the digest subscriptions (with their schedule), and each community's health day by day (mood
windows, waves and crisis switches, and the cases' changes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from faststream.kafka import KafkaRouter

from services.contracts import topics
from services.contracts.events import (
    CaseEvent,
    CommunityAlert,
    CrisisChanged,
    DigestSubscription,
    MoodWindow,
    ReplyTemplateChanged,
    ThemeChanged,
)
from services.outreach import metrics
from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.digests import DigestBook
from services.outreach.adapters.health import HealthBook
from services.outreach.adapters.templates import ReplyTemplates
from services.outreach.adapters.themes import ThemeBook
from services.outreach.config import Settings
from services.shared.consumer import Context
from services.shared.decoding import Events
from services.shared.kafka import batch_subscriber
from services.shared.projections import Projection, project, reads_of

SERVICE = "outreach"


@dataclass(frozen=True)
class Views:
    """Outreach's stores; set once in the broker's context by `create_app`."""

    cases: OpenCases
    templates: ReplyTemplates
    themes: ThemeBook
    digests: DigestBook
    health: HealthBook


Deps = Annotated[Views, Context("outreach")]

PROJECTIONS = {
    topics.CASE_EVENTS: Projection(CaseEvent, lambda v, e, live: v.cases.apply(e, live)),
    topics.REPLY_TEMPLATES: Projection(ReplyTemplateChanged, lambda v, e, _: v.templates.apply(e)),
    topics.THEMES: Projection(ThemeChanged, lambda v, e, _: v.themes.apply(e)),
    topics.DIGEST_SUBSCRIPTIONS: Projection(DigestSubscription, lambda v, e, _: v.digests.apply(e)),
    topics.MOOD: Projection(MoodWindow, lambda v, e, _: v.health.apply_window(e)),
    topics.COMMUNITY_ALERTS: Projection(CommunityAlert, lambda v, e, _: v.health.apply_event(e)),
    topics.CRISIS: Projection(CrisisChanged, lambda v, e, _: v.health.apply_event(e)),
}


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    reads = reads_of(SERVICE, PROJECTIONS, metrics.ERRORS)
    batch_subscriber(routes, reads, settings.kafka_group_id, settings)(on_views)
    return routes


async def on_views(events: Events, views: Deps) -> None:
    await project(PROJECTIONS, views, events, metrics.VIEW_EVENTS)
