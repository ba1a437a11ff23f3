"""The digest's themes as the product team owns them (from the themes topic).

outreach:themes:{tenant}:{community|-}   hash: `{language|-}\\x1f{theme}` -> the latest change
                                         (status, owner, tracker_url, note, who, when: JSON)
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.contracts.events import ThemeChanged

FAMILIES = ("outreach:themes:*",)
SEP = "\x1f"


def themes_key(tenant: str, community: str | None) -> str:
    return f"outreach:themes:{tenant}:{community or '-'}"


def field_of(language: str | None, theme: str) -> str:
    return f"{language or '-'}{SEP}{theme}"


class ThemeBook:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, change: ThemeChanged) -> None:
        owned = change.model_dump(mode="json", include={"community", "theme", "language",
                                  "status", "owner", "tracker_url", "note", "actor",
                                  "occurred_at"})  # fmt: skip
        field = field_of(change.language, change.theme)
        await self.redis.hset(themes_key(change.tenant, change.community), field, json.dumps(owned))

    async def get(self, tenant: str, community: str | None, language: str | None,
                  theme: str) -> dict | None:  # fmt: skip
        raw = await self.redis.hget(themes_key(tenant, community), field_of(language, theme))
        return json.loads(raw) if raw else None

    async def of_community(self, tenant: str, community: str | None) -> list[dict]:
        """The community's owned themes (one read of its own hash)."""
        found = await self.redis.hgetall(themes_key(tenant, community))
        return sorted((json.loads(raw) for raw in found.values()),
                      key=lambda t: (t["theme"], t["language"] or ""))  # fmt: skip
