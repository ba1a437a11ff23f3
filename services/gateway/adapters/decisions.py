"""The decisions read model in Redis, materialized from the decisions topic.

A decision is stored only if its revision is newer than the one held, so redelivered or
reordered events never roll a post back. Rebuildable by replaying the topic from the start.
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.contracts.events import Decision

_STORE_IF_NEWER = """
local current = redis.call('HGET', KEYS[1], 'revision')
if current and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'revision', ARGV[1], 'decision', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1
"""


def decision_key(post_id: str) -> str:
    return f"moderation:decision:{post_id}"


def history_key(post_id: str) -> str:
    return f"moderation:decision-history:{post_id}"


class DecisionStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._store = redis.register_script(_STORE_IF_NEWER)

    async def store(self, decision: Decision) -> bool:
        stored = await self._store(
            keys=[decision_key(decision.post_id), history_key(decision.post_id)],
            args=[decision.revision, decision.model_dump_json()],
        )
        return bool(stored)

    async def latest(self, post_id: str) -> Decision | None:
        raw = await self.redis.hget(decision_key(post_id), "decision")
        return Decision.model_validate(json.loads(raw)) if raw else None


class PostDirectory:
    """Reads the post registry that ingest writes, to tell a pending post from an unknown one."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def exists(self, post_id: str) -> bool:
        return bool(await self.redis.exists(f"moderation:post:{post_id}"))
