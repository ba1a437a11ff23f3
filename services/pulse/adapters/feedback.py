"""Civil criticism kept for the digest, pulse's own keys:

pulse:feedback:{tenant}\\x1f{community}   sorted set: remarks (JSON) by when they were posted,
                                          the latest `keep` of each community
pulse:themes:{tenant}\\x1f{community}     hash: `{language}\\x1f{theme}` -> how the product team
                                          owns the theme (status, owner, tracker_url: JSON)

Both ways a remark comes (a scored post negative in tone and not toxic, a case opened in the
feedback queue) write the same member (post id, text and the language it was read as), so a
post counts once. A digest reads one community's
remarks of two periods, at most `most` of each: its cost does not grow with history.
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.contracts.events import ThemeChanged
from services.pulse.domain.mood import Community
from services.pulse.domain.themes import Owned, Remark

SEP = "\x1f"
FAMILIES = ("pulse:feedback:*", "pulse:themes:*")
MAX_TEXT = 1000


def key_of(where: Community) -> str:
    return f"pulse:feedback:{where.tenant}{SEP}{where.community or ''}"


class FeedbackBook:
    def __init__(self, redis: Redis, keep: int) -> None:
        self.redis, self.keep = redis, keep

    async def add(self, items: list[tuple[Community, Remark]]) -> None:
        if not items:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for where, remark in items:
                member = json.dumps(
                    {"post_id": remark.post_id, "text": remark.text[:MAX_TEXT],
                     "lang": remark.language, "author": remark.author}
                )  # fmt: skip
                pipe.zadd(key_of(where), {member: remark.at})
            for key in {key_of(where) for where, _ in items}:
                pipe.zremrangebyrank(key, 0, -self.keep - 1)
            await pipe.execute()

    async def own(self, change: ThemeChanged) -> None:
        """How the product team owns a theme now (the latest change wins)."""
        where = Community(change.tenant, change.community)
        ownership = {"status": change.status.value, "owner": change.owner,
                     "tracker_url": change.tracker_url}  # fmt: skip
        field = f"{change.language or ''}{SEP}{change.theme}"
        await self.redis.hset(themes_key(where), field, json.dumps(ownership))

    async def owned(self, where: Community) -> Owned:
        """Every theme of the community the team owns: one read (a few dozen themes)."""
        found = await self.redis.hgetall(themes_key(where))
        return {(language or None, theme): json.loads(raw)
                for field, raw in found.items() for language, _, theme in [field.partition(SEP)]}  # fmt: skip

    async def between(
        self, where: Community, since: float, until: float, most: int
    ) -> list[Remark]:
        """The latest `most` remarks posted in [since, until)."""
        found = await self.redis.zrevrangebyscore(
            key_of(where), f"({until}", since, start=0, num=most, withscores=True
        )
        return [remark_of(json.loads(member), at) for member, at in found]


def remark_of(member: dict, at: float) -> Remark:
    # remarks kept before languages have no "lang", before authors no "author"
    return Remark(member["post_id"], member["text"], at, member.get("lang"), member.get("author"))


def themes_key(where: Community) -> str:
    return f"pulse:themes:{where.tenant}{SEP}{where.community or ''}"
