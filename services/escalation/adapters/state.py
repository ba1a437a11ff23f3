"""Escalation's Redis state: which posts already have their automated decision published."""

from __future__ import annotations

from redis.asyncio import Redis

DECIDED_TTL_SECONDS = 30 * 24 * 3600


def decided_key(post_id: str) -> str:
    return f"moderation:escalation:decided:{post_id}"


class DecisionLedger:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def already_decided(self, post_ids: list[str]) -> set[str]:
        if not post_ids:
            return set()
        flags = await self.redis.mget([decided_key(p) for p in post_ids])
        return {post_id for post_id, flag in zip(post_ids, flags, strict=True) if flag}

    async def mark_decided(self, post_ids: list[str]) -> None:
        if not post_ids:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for post_id in post_ids:
                pipe.set(decided_key(post_id), "1", ex=DECIDED_TTL_SECONDS)
            await pipe.execute()
