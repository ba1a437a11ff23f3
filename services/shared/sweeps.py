"""A periodic sweep one replica at a time (the SLA watch, the digest watch): every `interval`
s until `stop`, under a Redis lock so replicas do not sweep together. State lives in Redis and
Kafka, so a restart loses no timer. It stops on `stop`, not on cancellation: a cancelled Redis
command can surface as an ordinary error, which this loop would otherwise survive."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

log = logging.getLogger(__name__)


async def sweep_every(
    redis: Redis,
    lock: str,
    interval: float,
    stop: asyncio.Event,
    sweep: Callable[[], Awaitable[None]],
    lock_seconds: float | None = None,
) -> None:
    held = lock_seconds or interval * 3
    while not stop.is_set():
        try:
            if await redis.set(lock, "1", nx=True, px=int(held * 1000)):
                try:
                    await sweep()
                finally:
                    await redis.delete(lock)
        except Exception:  # keep sweeping; the next sweep retries
            log.exception("sweep failed", extra={"lock": lock})
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
