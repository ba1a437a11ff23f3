"""Webhooks in Redis: registrations (a projection of the webhooks topic) and deliveries.

gateway:webhook:{id}                   registration (WebhookEvent JSON)
gateway:webhooks:{tenant}              the tenant's webhook ids
gateway:delivery:{delivery_id}         one delivery (hash: webhook, event type and id, body, ...)
gateway:deliveries:due                 pending deliveries by the time they are due
gateway:deliveries:created             pending deliveries by creation time (oldest pending)
gateway:deliveries:dead:{tenant}       dead-lettered deliveries by when they gave up
gateway:alert-sent:{alert_id}          a community alert already enqueued (expires)

A worker leases due deliveries by pushing their due time past a lease; one that crashes
mid-delivery leaves them to come due again, so delivery is at least once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis.asyncio import Redis

from services.contracts.events import (
    AuthorSanctioned,
    CommunityAlert,
    Decision,
    ReplyWritten,
    WebhookEvent,
    derived_id,
)
from services.contracts.public import public_view
from services.shared import paging
from services.shared.indexed import load_indexed

FAMILIES = ("gateway:webhook:*", "gateway:webhooks:*")  # what a rebuild restores
DUE = "gateway:deliveries:due"
ALERT_MEMORY_SECONDS = 7 * 24 * 3600  # longer than any redelivery
CREATED = "gateway:deliveries:created"

_ENQUEUE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return 1
"""

_LEASE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[2], id)
end
return ids
"""


def webhook_key(webhook_id: str) -> str:
    return f"gateway:webhook:{webhook_id}"


def tenant_webhooks(tenant: str) -> str:
    return f"gateway:webhooks:{tenant}"


def delivery_key(delivery_id: str) -> str:
    return f"gateway:delivery:{delivery_id}"


def dead_key(tenant: str) -> str:
    return f"gateway:deliveries:dead:{tenant}"


class WebhookStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, event: WebhookEvent) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            if event.removed:
                pipe.delete(webhook_key(event.webhook_id))
                pipe.srem(tenant_webhooks(event.tenant), event.webhook_id)
            else:
                pipe.set(webhook_key(event.webhook_id), event.model_dump_json())
                pipe.sadd(tenant_webhooks(event.tenant), event.webhook_id)
            await pipe.execute()

    async def get(self, webhook_id: str) -> WebhookEvent | None:
        raw = await self.redis.get(webhook_key(webhook_id))
        return WebhookEvent.model_validate_json(raw) if raw else None

    async def of_tenant(self, tenant: str) -> list[WebhookEvent]:
        return await load_indexed(self.redis, tenant_webhooks(tenant), webhook_key, WebhookEvent)


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    webhook_id: str
    tenant: str
    event_type: str  # "decision", "sanction", "community_alert" or "reply"
    event_id: str  # the decision or sanction id: the receiver's idempotency key
    body: str  # the public view (DecisionView or SanctionView JSON)
    attempts: int
    created_at: float
    last_error: str = ""


class DeliveryQueue:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._lease = redis.register_script(_LEASE)
        self._enqueue = redis.register_script(_ENQUEUE)

    async def enqueue(
        self,
        event: Decision | AuthorSanctioned | CommunityAlert | ReplyWritten,
        webhooks: list[WebhookEvent],
    ) -> None:
        """One delivery per webhook; ids derive from (event, webhook), so a redelivered event
        enqueues nothing new."""
        if not webhooks:  # most tenants at most times: nothing to encode
            return
        now = time.time()
        view = public_view(event)
        body = view.model_dump_json(exclude_none=True)
        for webhook in webhooks:
            delivery_id = derived_id("delivery", event.event_id, webhook.webhook_id)
            fields = {
                "delivery_id": delivery_id,
                "webhook_id": webhook.webhook_id,
                "tenant": event.tenant,
                "event_type": view.type,
                "event_id": event.event_id,
                "body": body,
                "attempts": 0,
                "created_at": now,
            }
            args = [delivery_id, now, *(item for pair in fields.items() for item in pair)]
            await self._enqueue(keys=[delivery_key(delivery_id), DUE, CREATED], args=args)

    async def first_time(self, alert: CommunityAlert) -> bool:
        """Whether the alert is seen here for the first time (then it is remembered)."""
        key = f"gateway:alert-sent:{alert.event_id}"
        return bool(await self.redis.set(key, "1", nx=True, ex=ALERT_MEMORY_SECONDS))

    async def lease(self, now: float, lease_seconds: float, limit: int) -> list[Delivery]:
        ids = await self._lease(keys=[DUE], args=[now, now + lease_seconds, limit])
        found = [await self.get(delivery_id) for delivery_id in ids]
        return [d for d in found if d]

    async def get(self, delivery_id: str) -> Delivery | None:
        raw = await self.redis.hgetall(delivery_key(delivery_id))
        if not raw or "body" not in raw:
            return None
        return Delivery(
            delivery_id=raw["delivery_id"],
            webhook_id=raw["webhook_id"],
            tenant=raw["tenant"],
            event_type=raw.get("event_type", "decision"),
            event_id=raw["event_id"],
            body=raw["body"],
            attempts=int(raw["attempts"]),
            created_at=float(raw["created_at"]),
            last_error=raw.get("last_error", ""),
        )

    async def delivered(self, delivery: Delivery) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(DUE, delivery.delivery_id)
            pipe.zrem(CREATED, delivery.delivery_id)
            pipe.delete(delivery_key(delivery.delivery_id))
            await pipe.execute()

    async def retry(self, delivery: Delivery, due: float, error: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                delivery_key(delivery.delivery_id),
                mapping={"attempts": delivery.attempts + 1, "last_error": error},
            )
            pipe.zadd(DUE, {delivery.delivery_id: due})
            await pipe.execute()

    async def bury(self, delivery: Delivery, error: str) -> None:
        """Give up: off the pending sets, onto the tenant's dead-letter list."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                delivery_key(delivery.delivery_id),
                mapping={"attempts": delivery.attempts + 1, "last_error": error},
            )
            pipe.zrem(DUE, delivery.delivery_id)
            pipe.zrem(CREATED, delivery.delivery_id)
            pipe.zadd(dead_key(delivery.tenant), {delivery.delivery_id: time.time()})
            await pipe.execute()

    async def dead(
        self, tenant: str, position: paging.Position | None, limit: int
    ) -> tuple[list[Delivery], str | None]:
        """Dead-lettered deliveries, oldest first, one page after `position`."""
        low = position.score if position else "-inf"
        entries = await self.redis.zrangebyscore(
            dead_key(tenant), low, "+inf", start=0, num=limit + 50, withscores=True
        )
        entries = paging.after(entries, position)
        page = entries[:limit]
        found = [await self.get(delivery_id) for delivery_id, _ in page]
        more = len(entries) > limit
        cursor = paging.encode(paging.Position(page[-1][1], page[-1][0])) if more else None
        return [d for d in found if d], cursor

    async def replay(self, tenant: str, delivery_id: str) -> Delivery | None:
        """Back onto the pending sets with a fresh attempt count; None if not dead-lettered."""
        if await self.redis.zscore(dead_key(tenant), delivery_id) is None:
            return None
        now = time.time()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(dead_key(tenant), delivery_id)
            pipe.hset(delivery_key(delivery_id), mapping={"attempts": 0, "created_at": now})
            pipe.zadd(DUE, {delivery_id: now})
            pipe.zadd(CREATED, {delivery_id: now})
            await pipe.execute()
        return await self.get(delivery_id)

    async def backlog(self) -> tuple[int, float | None]:
        """(pending deliveries, creation time of the oldest), for the metrics."""
        count = await self.redis.zcard(CREATED)
        oldest = await self.redis.zrange(CREATED, 0, 0, withscores=True)
        return count, oldest[0][1] if oldest else None
