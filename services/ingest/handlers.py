"""Kafka side of ingest, and its projection table: the credentials topic into ingest's view of
the platform keys (live, so a key issued or revoked at the desk takes effect here within a
poll, well under 5 s; and in a rebuild). The post registry and the reports taken are written
by the requests that publish them; the table says which topic rebuilds each."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from faststream.kafka import KafkaRouter
from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import CredentialEvent, PostReported, PostSubmitted
from services.ingest import metrics
from services.ingest.adapters.registry import PostRegistry
from services.ingest.adapters.reports import ReportLedger
from services.ingest.config import Settings
from services.ingest.domain.submission import content_fingerprint
from services.shared.consumer import Context
from services.shared.decoding import Events
from services.shared.kafka import event_subscriber
from services.shared.keys import PlatformKeys
from services.shared.projections import Projection, project, reads_of

SERVICE = "ingest"


@dataclass(frozen=True)
class Views:
    keys: PlatformKeys
    posts: PostRegistry | None = None  # only a rebuild restores these two
    redis: Redis | None = None
    report_memory_seconds: int = 0


Keys = Annotated[PlatformKeys, Context("platform_keys")]


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    reads = reads_of(SERVICE, PROJECTIONS, metrics.ERRORS, topics.CREDENTIALS)
    group = f"{settings.kafka_group_id}-credentials"
    event_subscriber(routes, reads, group, settings)(on_credentials)
    return routes


async def on_credentials(events: Events, keys: Keys) -> None:
    await project(PROJECTIONS, Views(keys), events, metrics.VIEW_EVENTS)


async def apply_credential(views: Views, event: CredentialEvent, _: bool) -> bool:
    applied = await views.keys.apply(event)
    if applied:
        metrics.KEY_EVENTS.labels("revoked" if event.revoked else "issued").inc()
    return applied


async def restore_post(views: Views, event: PostSubmitted, _: bool) -> None:
    """As published, with the same fingerprint: a retried submission is still a duplicate and
    a changed one a conflict."""
    assert views.posts is not None
    await views.posts.restore(event, content_fingerprint(event.post))


async def restore_report(views: Views, report: PostReported, _: bool) -> bool:
    """A report taken is remembered for the time it had left."""
    assert views.redis is not None
    left = int(report.occurred_at.timestamp() + views.report_memory_seconds - time.time())
    if left <= 0:
        return False
    await ReportLedger(views.redis, left).claim(report.report_id)
    return True


PROJECTIONS = {
    topics.POSTS_SUBMITTED: Projection(PostSubmitted, restore_post),
    topics.CREDENTIALS: Projection(CredentialEvent, apply_credential),
    topics.REPORTS: Projection(PostReported, restore_report),
}
