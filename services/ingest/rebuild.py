"""Rebuild ingest's Redis state (the post registry) from the posts topic, then exit.

    python -m services.ingest.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops every `ingest:post:*` entry and writes one per PostSubmitted, as published, with the
same fingerprint, so a retried submission is still a duplicate and a changed one a conflict.
Stop ingest while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import PostSubmitted
from services.ingest.adapters.registry import FAMILIES, PostRegistry
from services.ingest.config import Settings
from services.ingest.domain.submission import content_fingerprint
from services.shared.kafka import read_events
from services.shared.rebuild import command_line, drop


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    registry = PostRegistry(redis, settings.stale_claim_seconds)
    posts = 0
    try:
        await drop(redis, FAMILIES)
        bootstrap = settings.kafka_bootstrap_servers
        async for event in read_events(bootstrap, topics.POSTS_SUBMITTED, PostSubmitted):
            await registry.restore(event, content_fingerprint(event.post))
            posts += 1
    finally:
        await redis.aclose()
    return {"posts": posts}


if __name__ == "__main__":
    command_line("services.ingest.rebuild", __doc__ or "", rebuild)
