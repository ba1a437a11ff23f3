"""Policies admins published, as the desk lists them: a Redis projection of the policies
topic (what is in force is decided by escalation, which replays the same topic)."""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.contracts.events import PolicyPublished

FAMILIES = ("desk:published-policies:*",)


def registry_key(tenant: str) -> str:
    return f"desk:published-policies:{tenant}"


class PolicyRegistry:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, event: PolicyPublished, policy_id: str = "", version: str = "") -> None:
        if event.withdrawn:
            await self.redis.hdel(registry_key(event.tenant), event.name)
            return
        entry = {
            "name": event.name,
            "policy_id": policy_id,
            "version": version,
            "published_at": event.occurred_at.isoformat(),
            "published_by": event.actor,
            "text": event.text,
        }
        await self.redis.hset(registry_key(event.tenant), event.name, json.dumps(entry))

    async def of_tenant(self, tenant: str) -> list[dict]:
        entries = await self.redis.hgetall(registry_key(tenant))
        return [json.loads(entries[name]) for name in sorted(entries)]

    async def named(self, tenant: str, name: str) -> dict | None:
        raw = await self.redis.hget(registry_key(tenant), name)
        return json.loads(raw) if raw else None

    async def has(self, tenant: str, name: str) -> bool:
        return bool(await self.redis.hexists(registry_key(tenant), name))
