"""The decisions read model in Redis, materialized from the decisions topic.

moderation:decision:{post_id}                  latest revision (hash: revision, decision JSON)
moderation:decision-history:{post_id}          every revision stored, oldest first
moderation:feed:{tenant}                       a stream of the tenant's decisions (feed, SSE)
moderation:author-decisions:{tenant}:{author}  the author's latest decisions, newest first

A decision is stored only if its revision is newer than the one held, so redelivered or
reordered events never roll a post back. Rebuildable by replaying the topic (a rebuilt feed
has new cursors).
"""

from __future__ import annotations

import json
import re

from redis.asyncio import Redis

from services.contracts.events import Decision
from services.ingest.adapters.registry import post_key

FEED_MAX = 1_000_000  # entries kept per tenant (approximate trim)
AUTHOR_MAX = 50
_CURSOR = re.compile(r"^(\d{1,20})-(\d{1,20})$")
_MAX_ID_PART = 2**64 - 1


def valid_cursor(cursor: str) -> bool:
    """A Redis stream id: two unsigned 64-bit numbers, `<ms>-<seq>`."""
    match = _CURSOR.match(cursor)
    return bool(match) and all(int(part) <= _MAX_ID_PART for part in match.groups())


_STORE_IF_NEWER = """
local current = redis.call('HGET', KEYS[1], 'revision')
if current and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'revision', ARGV[1], 'decision', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'decision', ARGV[2])
redis.call('LPUSH', KEYS[4], ARGV[2])
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[4]) - 1)
return 1
"""


def decision_key(post_id: str) -> str:
    return f"moderation:decision:{post_id}"


def history_key(post_id: str) -> str:
    return f"moderation:decision-history:{post_id}"


def feed_key(tenant: str) -> str:
    return f"moderation:feed:{tenant}"


def author_key(tenant: str, author_id: str) -> str:
    return f"moderation:author-decisions:{tenant}:{author_id}"


def _decode(raw: str) -> Decision:
    return Decision.model_validate(json.loads(raw))


class DecisionStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._store = redis.register_script(_STORE_IF_NEWER)

    async def is_newer(self, decision: Decision) -> bool:
        current = await self.redis.hget(decision_key(decision.post_id), "revision")
        return current is None or int(current) < decision.revision

    async def store(self, decision: Decision) -> bool:
        keys = [
            decision_key(decision.post_id),
            history_key(decision.post_id),
            feed_key(decision.tenant),
            author_key(decision.tenant, decision.author_id),
        ]
        stored = await self._store(
            keys=keys, args=[decision.revision, decision.model_dump_json(), FEED_MAX, AUTHOR_MAX]
        )
        return bool(stored)

    async def latest(self, post_id: str) -> Decision | None:
        raw = await self.redis.hget(decision_key(post_id), "decision")
        return _decode(raw) if raw else None

    async def history(self, post_id: str) -> list[Decision]:
        return [_decode(raw) for raw in await self.redis.lrange(history_key(post_id), 0, -1)]

    async def by_author(self, tenant: str, author_id: str, limit: int = 20) -> list[Decision]:
        raws = await self.redis.lrange(author_key(tenant, author_id), 0, limit - 1)
        return [_decode(raw) for raw in raws]

    async def feed(self, tenant: str, after: str | None, limit: int) -> list[tuple[str, Decision]]:
        """Up to `limit` decisions after the cursor (exclusive), oldest first."""
        start = f"({after}" if after else "-"
        entries = await self.redis.xrange(feed_key(tenant), min=start, max="+", count=limit)
        return [(entry_id, _decode(fields["decision"])) for entry_id, fields in entries]

    async def wait_for(
        self, tenant: str, after: str, block_ms: int, limit: int = 100
    ) -> list[tuple[str, Decision]]:
        """Like `feed`, but waits up to `block_ms` for something new (for the SSE stream)."""
        found = await self.redis.xread({feed_key(tenant): after}, count=limit, block=block_ms)
        return [(i, _decode(f["decision"])) for _, entries in found or [] for i, f in entries]

    async def last_cursor(self, tenant: str) -> str:
        entries = await self.redis.xrevrange(feed_key(tenant), count=1)
        return entries[0][0] if entries else "0-0"


class PostDirectory:
    """Reads the post registry that ingest writes, to tell a pending post from an unknown one."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def tenant_of(self, post_id: str) -> str | None:
        return await self.redis.hget(post_key(post_id), "tenant")
