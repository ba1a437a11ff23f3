"""Digest subscriptions and their schedule, as outreach keeps them.

outreach:digests:{tenant}        hash: subscription id -> the subscription (JSON, from the topic)
outreach:digest-due              sorted set: `tenant\\x1fid` by when its next digest is due
outreach:digest-state:{tenant}   hash: subscription id -> last sent, attempts, last error (JSON)
outreach:digest-sent:{delivery}  a digest delivered (60 days): a retry never sends it again
outreach:digest-claim:{delivery} a delivery being sent (seconds): one sender at a time

A sweep reads only what is due (the sorted set), so its cost does not grow with the number of
subscriptions. Rebuilt from the topic, each subscription is due at its next hour again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from redis.asyncio import Redis

from services.contracts.events import DigestSubscription
from services.outreach.domain.digests import first_due

FAMILIES = ("outreach:digests:*", "outreach:digest-due")
DUE = "outreach:digest-due"
SEP = "\x1f"
SENT_MEMORY_SECONDS = 60 * 86400


def subscriptions_key(tenant: str) -> str:
    return f"outreach:digests:{tenant}"


def state_key(tenant: str) -> str:
    return f"outreach:digest-state:{tenant}"


def sent_key(delivery: str) -> str:
    return f"outreach:digest-sent:{delivery}"


class DigestBook:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, subscription: DigestSubscription) -> None:
        member = f"{subscription.tenant}{SEP}{subscription.subscription_id}"
        key = subscriptions_key(subscription.tenant)
        if subscription.removed:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hdel(key, subscription.subscription_id)
                pipe.zrem(DUE, member)
                await pipe.execute()
            return
        due = first_due(subscription, datetime.now(UTC)).timestamp()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, subscription.subscription_id, subscription.model_dump_json())
            pipe.zadd(DUE, {member: due}, nx=True)  # a redelivery keeps the schedule it has
            await pipe.execute()

    async def due(
        self, now: datetime, limit: int = 20
    ) -> list[tuple[DigestSubscription, datetime]]:
        found = await self.redis.zrangebyscore(DUE, "-inf", now.timestamp(), start=0, num=limit,
                                               withscores=True)  # fmt: skip
        due = []
        for member, at in found:
            tenant, _, subscription_id = member.partition(SEP)
            raw = await self.redis.hget(subscriptions_key(tenant), subscription_id)
            if raw is None:  # removed meanwhile
                await self.redis.zrem(DUE, member)
                continue
            due.append(
                (DigestSubscription.model_validate_json(raw), datetime.fromtimestamp(at, UTC))
            )
        return due

    async def schedule(self, subscription: DigestSubscription, at: datetime) -> None:
        member = f"{subscription.tenant}{SEP}{subscription.subscription_id}"
        await self.redis.zadd(DUE, {member: at.timestamp()}, xx=True)

    async def get(self, tenant: str, subscription_id: str) -> DigestSubscription | None:
        raw = await self.redis.hget(subscriptions_key(tenant), subscription_id)
        return DigestSubscription.model_validate_json(raw) if raw else None

    async def listed(self, tenant: str) -> list[tuple[DigestSubscription, dict]]:
        subscriptions = await self.redis.hgetall(subscriptions_key(tenant))
        states = await self.redis.hgetall(state_key(tenant))
        return [(DigestSubscription.model_validate_json(raw), json.loads(states.get(i, "{}")))
                for i, raw in sorted(subscriptions.items())]  # fmt: skip

    async def claim(self, delivery: str, seconds: float) -> bool:
        """Take the delivery for `seconds` (two replicas' sweeps never send the same one)."""
        key = f"outreach:digest-claim:{delivery}"
        return bool(await self.redis.set(key, "1", nx=True, px=int(seconds * 1000)))

    async def release(self, delivery: str) -> None:
        await self.redis.delete(f"outreach:digest-claim:{delivery}")

    async def was_sent(self, delivery: str) -> bool:
        return bool(await self.redis.exists(sent_key(delivery)))

    async def record(self, subscription: DigestSubscription, due: datetime, delivery: str,
                     sent: bool, attempts: int, error: str = "", given_up: bool = False) -> None:  # fmt: skip
        """The delivery's outcome so far, shown on the subscription; a sent one is remembered."""
        state = {"delivery_id": delivery, "due": due.timestamp(), "attempts": attempts,
                 "last_error": error, "sent": sent, "given_up": given_up,
                 "at": datetime.now(UTC).isoformat()}  # fmt: skip
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                state_key(subscription.tenant), subscription.subscription_id, json.dumps(state)
            )
            if sent:
                pipe.set(sent_key(delivery), "1", ex=SENT_MEMORY_SECONDS)
            await pipe.execute()

    async def unfinished(self, subscription: DigestSubscription) -> tuple[datetime, int] | None:
        """The delivery being retried, if one is: when its period ended, and attempts so far
        (a retry is due later than its period, and must send the same period's digest)."""
        raw = await self.redis.hget(state_key(subscription.tenant), subscription.subscription_id)
        state = json.loads(raw) if raw else {}
        if not state or state["sent"] or state.get("given_up") or "due" not in state:
            return None
        return datetime.fromtimestamp(state["due"], UTC), state["attempts"]
