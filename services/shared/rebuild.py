"""What every service's `python -m services.<service>.rebuild` shares: the command line, and
dropping the key families a rebuild restores (the service should be stopped meanwhile)."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable

from redis.asyncio import Redis

from services.shared.projections import Table, replay
from services.shared.settings import ServiceSettings


async def drop(redis: Redis, families: Iterable[str]) -> int:
    """Delete every key matching the families' patterns (SCAN: an offline tool, not a request)."""
    dropped = 0
    for pattern in families:
        batch: list[str] = []
        async for key in redis.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                dropped += await redis.delete(*batch)
                batch = []
        if batch:
            dropped += await redis.delete(*batch)
    return dropped


def command_line(module: str, doc: str, rebuild: Callable[[], Awaitable[dict[str, int]]]) -> None:
    """`--help` prints the module's doc and exits; with no arguments the rebuild runs and
    prints how many events of each kind it replayed, as JSON."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {module}",
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.parse_args()
    print(json.dumps(asyncio.run(rebuild()), sort_keys=True))


async def rebuild_views(
    settings: ServiceSettings,
    families: Iterable[str],
    table: Table,
    views_of: Callable[[Redis], object],
) -> dict[str, int]:
    """A rebuild driven by a service's projection table: its key families dropped, then every
    rebuilt topic replayed into the views `views_of` builds on the service's Redis."""
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        await drop(redis, families)
        return await replay(settings.kafka_bootstrap_servers, table, views_of(redis))
    finally:
        await redis.aclose()
