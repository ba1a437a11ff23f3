"""Escalation's Redis state besides cases: decided posts and strike records. Both rebuilt
from Kafka (the decisions and strikes topics).

escalation:decided:{post_id}                          the post has its automated decision
escalation:strikes:{tenant}:{community|-}:{author}    strike units, scored by when given
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.contracts.events import StrikeEvent
from services.escalation.domain.strikes import Author, StrikeTally, unit_ids

DECIDED_TTL_SECONDS = 30 * 24 * 3600
FAMILIES = ("escalation:decided:*", "escalation:strikes:*")


def decided_key(post_id: str) -> str:
    return f"escalation:decided:{post_id}"


def strikes_key(tenant: str, community: str | None, author_id: str) -> str:
    return f"escalation:strikes:{tenant}:{community or '-'}:{author_id}"


class DecisionLedger:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def already_decided(self, post_ids: list[str]) -> set[str]:
        if not post_ids:
            return set()
        flags = await self.redis.mget([decided_key(p) for p in post_ids])
        return {post_id for post_id, flag in zip(post_ids, flags, strict=True) if flag}

    async def mark_decided(self, post_ids: list[str], ttl: int = DECIDED_TTL_SECONDS) -> None:
        if not post_ids:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for post_id in post_ids:
                pipe.set(decided_key(post_id), "1", ex=ttl)
            await pipe.execute()


class StrikeLedger:
    """Per author and community: a sorted set of strike units scored by when the strike was
    given (the event's time, so a rebuild scores them the same); expired ones drop out of the
    window. Adding the same strike twice is a no-op (members are strike ids)."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def count(
        self,
        tenant: str,
        community: str | None,
        author_id: str,
        now: float,
        window_days: int,
        excluding: str = "",
    ) -> int:
        author = (tenant, community, author_id)
        since = now - window_days * 86400
        return (await self.tally({author: since})).count(author, since, excluding)

    async def tally(self, since: dict[Author, float]) -> StrikeTally:
        """Each author's units given at or after their time in `since`; one round trip."""
        authors = list(since)
        if not authors:
            return StrikeTally()
        async with self.redis.pipeline(transaction=False) as pipe:
            for author in authors:
                pipe.zrangebyscore(strikes_key(*author), since[author], "+inf", withscores=True)
            found = await pipe.execute()
        return StrikeTally({a: dict(units) for a, units in zip(authors, found, strict=True)})

    async def apply(self, strike: StrikeEvent) -> None:
        await self.apply_many([strike])

    async def apply_many(self, strikes: list[StrikeEvent]) -> None:
        """In order, in one round trip. Giving a unit twice keeps its first time."""
        if not strikes:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for strike in strikes:
                key = strikes_key(strike.tenant, strike.community, strike.author_id)
                if strike.removed:
                    pipe.zrem(key, *unit_ids(strike))
                else:
                    at = strike.occurred_at.timestamp()
                    pipe.zadd(key, dict.fromkeys(unit_ids(strike), at), nx=True)
            await pipe.execute()

    async def units(
        self, tenant: str, community: str | None, author_id: str, strike_id: str
    ) -> int:
        """How many units of this strike the author still carries."""
        members = await self.redis.zrange(strikes_key(tenant, community, author_id), 0, -1)
        return sum(1 for member in members if member.startswith(f"{strike_id}#"))
