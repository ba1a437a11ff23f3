"""Reply templates, as admins saved them (from the reply-templates topic).

outreach:reply-templates:{tenant}   hash: `{community|*}\\x1f{name}` -> the template (JSON)

A template saved for a community is used there before the one of the same name saved for
every community (`*`).
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.contracts.events import ReplyTemplateChanged

FAMILIES = ("outreach:reply-templates:*",)
EVERY = "*"  # the community of a template for every community


def templates_key(tenant: str) -> str:
    return f"outreach:reply-templates:{tenant}"


def _field(community: str | None, name: str) -> str:
    return f"{community or EVERY}\x1f{name}"


class ReplyTemplates:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, change: ReplyTemplateChanged) -> None:
        key, field = templates_key(change.tenant), _field(change.community, change.name)
        if change.removed:
            await self.redis.hdel(key, field)
            return
        saved = {"name": change.name, "community": change.community, "text": change.text,
                 "saved_by": change.actor, "saved_at": change.occurred_at.isoformat()}  # fmt: skip
        await self.redis.hset(key, field, json.dumps(saved))

    async def listed(self, tenant: str, community: str | None) -> list[dict]:
        """The templates usable in `community` (its own, then every community's not shadowed),
        by name; every template when `community` is None. A tenant has a few dozen at most."""
        found = [
            json.loads(raw) for raw in (await self.redis.hgetall(templates_key(tenant))).values()
        ]
        if community is not None:
            own = {t["name"] for t in found if t["community"] == community}
            found = [t for t in found if t["community"] == community
                     or (t["community"] is None and t["name"] not in own)]  # fmt: skip
        return sorted(found, key=lambda t: (t["name"], t["community"] or ""))

    async def get(self, tenant: str, community: str | None, name: str) -> dict | None:
        """The template a reply in `community` uses under this name."""
        fields = (
            [_field(community, name), _field(None, name)] if community else [_field(None, name)]
        )
        for raw in await self.redis.hmget(templates_key(tenant), fields):
            if raw:
                return json.loads(raw)
        return None
