"""Kafka side of the desk: the views moderators, admins and community managers read, built
from the topics by the projection table below (the same table drives `rebuild`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from faststream.kafka import KafkaRouter

from services.contracts import topics
from services.contracts.events import (
    CaseEvent,
    CommunityAlert,
    CredentialEvent,
    CrisisChanged,
    GoldenScored,
    MoodWindow,
    PolicyPublished,
    StrikeEvent,
)
from services.desk import metrics
from services.desk.adapters.cases import CaseBoard
from services.desk.adapters.communities import Communities
from services.desk.adapters.credentials import CredentialStore
from services.desk.adapters.policies import PolicyRegistry
from services.desk.config import Settings
from services.policy.text import PolicyError, published_policy
from services.shared.consumer import Context
from services.shared.decoding import Events
from services.shared.kafka import batch_subscriber
from services.shared.projections import Projection, project, reads_of

SERVICE = "desk"


@dataclass(frozen=True)
class Views:
    """The desk's stores; set once in the broker's context by `create_app`."""

    cases: CaseBoard
    communities: Communities
    credentials: CredentialStore
    policies: PolicyRegistry


Deps = Annotated[Views, Context("desk")]


async def apply_case_event(views: Views, event: CaseEvent, live: bool) -> None:
    """Live, a moderator waiting on a command gets its answer; a rebuild answers no one."""
    await views.cases.apply(event, answer=live)


async def apply_policy(views: Views, event: PolicyPublished, _: bool) -> bool:
    try:
        policy = published_policy(event.tenant, event.name, event.text, event.withdrawn)
    except PolicyError:
        return False  # escalation dead-letters it too; it never applied
    await views.policies.apply(event, *((policy.id, policy.version) if policy else ()))
    return True


async def apply_alert(views: Views, alert: CommunityAlert, _: bool) -> None:
    await views.communities.apply_alert(alert)


PROJECTIONS = {
    topics.CASE_EVENTS: Projection(CaseEvent, apply_case_event),
    topics.STRIKES: Projection(StrikeEvent, lambda v, e, _: v.cases.apply_strike(e)),
    topics.MOOD: Projection(MoodWindow, lambda v, e, _: v.communities.apply_window(e)),
    topics.COMMUNITY_ALERTS: Projection(CommunityAlert, apply_alert),
    topics.CRISIS: Projection(CrisisChanged, lambda v, e, _: v.communities.apply_crisis(e)),
    topics.CREDENTIALS: Projection(CredentialEvent, lambda v, e, _: v.credentials.apply(e)),
    topics.POLICIES: Projection(PolicyPublished, apply_policy),
    topics.GOLDEN_SCORES: Projection(GoldenScored, lambda v, e, _: v.cases.apply_golden_score(e)),
}


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    # every topic the desk reads is low-volume: one consumer polls for all of them
    group = f"{settings.kafka_group_id}-views"
    reads = reads_of(SERVICE, PROJECTIONS, metrics.ERRORS)
    batch_subscriber(routes, reads, group, settings)(on_views)
    return routes


async def on_views(events: Events, views: Deps) -> None:
    await project(PROJECTIONS, views, events, metrics.VIEW_EVENTS)
