"""Rebuild ingest's Redis state from Kafka, then exit.

    python -m services.ingest.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Driven by the projection table in `handlers.py`: drops every `ingest:post:*` entry and writes
one per PostSubmitted, as published, with the same fingerprint, so a retried submission is
still a duplicate and a changed one a conflict; ingest's view of the platform keys
(`ingest:key:*`) from the credentials topic; and the reports it took (`ingest:report:*`) from
the reports topic, with the time they had left. Stop ingest while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.ingest import handlers
from services.ingest.adapters import registry, reports
from services.ingest.adapters.registry import PostRegistry
from services.ingest.config import Settings
from services.shared.keys import PlatformKeys, families
from services.shared.rebuild import command_line, rebuild_views


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()

    def views_of(redis: Redis) -> handlers.Views:
        return handlers.Views(
            PlatformKeys(redis, "ingest"),
            PostRegistry(redis, settings.stale_claim_seconds),
            redis,
            int(settings.report_memory_days * 86400),
        )

    dropped = registry.FAMILIES + families("ingest") + reports.FAMILIES
    return await rebuild_views(settings, dropped, handlers.PROJECTIONS, views_of)


if __name__ == "__main__":
    command_line("services.ingest.rebuild", __doc__ or "", rebuild)
