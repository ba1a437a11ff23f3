"""The post registry in Redis: which (tenant, external_id) was accepted, and whether it was published.

It is a read model of the posts topic (rebuildable from Kafka); the gateway reads it to tell
'pending' from 'unknown post'.
"""

from __future__ import annotations

import time
from enum import StrEnum

from redis.asyncio import Redis

from services.contracts.events import Post

_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGETALL', KEYS[1])
end
redis.call('HSET', KEYS[1], unpack(ARGV))
return {}
"""


class ClaimOutcome(StrEnum):
    NEW = "new"  # first time: publish it
    DUPLICATE = "duplicate"  # already accepted: answer with the same post_id, publish nothing
    CONFLICT = "conflict"  # same external_id, different content
    STALE = "stale"  # accepted earlier but never confirmed published: publish again


def post_key(post_id: str) -> str:
    return f"moderation:post:{post_id}"


class PostRegistry:
    def __init__(self, redis: Redis, stale_after: float) -> None:
        self.redis = redis
        self.stale_after = stale_after
        self._claim = redis.register_script(_CLAIM)

    async def claim(self, post: Post, fingerprint: str) -> ClaimOutcome:
        fields = {
            "tenant": post.tenant,
            "external_id": post.external_id,
            "author_id": post.author_id,
            "fingerprint": fingerprint,
            "state": "pending",
            "claimed_at": f"{time.time():.3f}",
        }
        args = [item for pair in fields.items() for item in pair]
        existing = await self._claim(keys=[post_key(post.post_id)], args=args)
        if not existing:
            return ClaimOutcome.NEW
        record = dict(zip(existing[::2], existing[1::2], strict=True))
        return classify(record, fingerprint, time.time(), self.stale_after)

    async def mark_published(self, post_id: str) -> None:
        await self.redis.hset(post_key(post_id), mapping={"state": "published"})

    async def release(self, post_id: str) -> None:
        """Undo a claim whose publish failed, so nothing is left half written."""
        await self.redis.delete(post_key(post_id))


def classify(record: dict, fingerprint: str, now: float, stale_after: float) -> ClaimOutcome:
    if record.get("fingerprint") != fingerprint:
        return ClaimOutcome.CONFLICT
    if record.get("state") == "published":
        return ClaimOutcome.DUPLICATE
    claimed_at = float(record.get("claimed_at") or 0)
    return ClaimOutcome.STALE if now - claimed_at > stale_after else ClaimOutcome.DUPLICATE
