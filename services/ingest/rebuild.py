"""Rebuild ingest's Redis state (the post registry) from the posts topic, then exit.

    python -m services.ingest.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops every `ingest:post:*` entry and writes one per PostSubmitted, as published, with the
same fingerprint, so a retried submission is still a duplicate and a changed one a conflict;
ingest's view of the platform keys (`ingest:key:*`) from the credentials topic; and the
reports it took (`ingest:report:*`) from the reports topic, with the time they had left.
Stop ingest while it runs.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import CredentialEvent, PostReported, PostSubmitted
from services.ingest.adapters import registry, reports
from services.ingest.adapters.registry import PostRegistry
from services.ingest.config import Settings
from services.ingest.domain.submission import content_fingerprint
from services.shared.kafka import read_events
from services.shared.keys import PlatformKeys, families
from services.shared.rebuild import command_line, drop


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    posts = PostRegistry(redis, settings.stale_claim_seconds)
    platform_keys = PlatformKeys(redis, "ingest")
    memory = int(settings.report_memory_days * 86400)
    counts = {"posts": 0, "keys": 0, "reports": 0}
    try:
        await drop(redis, registry.FAMILIES + families("ingest") + reports.FAMILIES)
        bootstrap = settings.kafka_bootstrap_servers
        async for event in read_events(bootstrap, topics.POSTS_SUBMITTED, PostSubmitted):
            await posts.restore(event, content_fingerprint(event.post))
            counts["posts"] += 1
        async for credential in read_events(bootstrap, topics.CREDENTIALS, CredentialEvent):
            counts["keys"] += await platform_keys.apply(credential)
        async for report in read_events(bootstrap, topics.REPORTS, PostReported):
            left = int(report.occurred_at.timestamp() + memory - time.time())
            if left > 0:
                await reports.ReportLedger(redis, left).claim(report.report_id)
                counts["reports"] += 1
    finally:
        await redis.aclose()
    return counts


if __name__ == "__main__":
    command_line("services.ingest.rebuild", __doc__ or "", rebuild)
