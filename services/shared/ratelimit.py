"""Per-key request limits: a fixed one-minute window counted in Redis (shared by replicas).
Each service counts under its own key prefix."""

from __future__ import annotations

import time

from redis.asyncio import Redis

# One round trip and one command per request, atomic: the count and its expiry together (a
# MULTI/INCR/EXPIRE/EXEC was four commands on every post).
HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis, self.prefix = redis, prefix
        self._hit = redis.register_script(HIT)

    async def hit(self, key_id: str, per_minute: int, now: float | None = None) -> int | None:
        """None if this request is within the limit, else the seconds until the window resets."""
        now = time.time() if now is None else now
        window = int(now // 60)
        key = f"{self.prefix}:ratelimit:{key_id}:{window}"
        count = int(await self._hit(keys=[key], args=[120]))
        if count <= per_minute:
            return None
        return max(1, int((window + 1) * 60 - now + 0.999))
