"""Per-key request limits: a fixed one-minute window counted in Redis (shared by replicas).
Each service counts under its own key prefix."""

from __future__ import annotations

import time

from redis.asyncio import Redis


class RateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis, self.prefix = redis, prefix

    async def hit(self, key_id: str, per_minute: int, now: float | None = None) -> int | None:
        """None if this request is within the limit, else the seconds until the window resets."""
        now = time.time() if now is None else now
        window = int(now // 60)
        key = f"{self.prefix}:ratelimit:{key_id}:{window}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 120)
            count, _ = await pipe.execute()
        if count <= per_minute:
            return None
        return max(1, int((window + 1) * 60 - now + 0.999))
