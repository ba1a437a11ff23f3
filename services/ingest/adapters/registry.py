"""The post registry in Redis: which (tenant, external_id) was accepted, and whether it was
published. Ingest's own state, rebuilt from the posts topic (`python -m services.ingest.rebuild`).

ingest:post:{post_id}    hash: tenant, external_id, author_id, fingerprint, state, claimed_at
"""

from __future__ import annotations

import asyncio
import logging
import time
from enum import StrEnum

from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.contracts.events import PostSubmitted, post_id_for

log = logging.getLogger(__name__)

# A registry entry's fields, in the order a claim sends their values.
FIELDS = ("tenant", "external_id", "author_id", "fingerprint", "state", "claimed_at")
# A batch's claims in one command (KEYS: the posts; ARGV: each post's values, in FIELDS order):
# the client packs and parses one command instead of one per post, and sends no field names.
# One Redis, not a cluster.
_CLAIM_MANY = (
    "local names = {"
    + ", ".join(f"'{f}'" for f in FIELDS)
    + "}"
    + """
local width = #names
local answers = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    answers[i] = redis.call('HGETALL', key)
  else
    local fields = {}
    for j = 1, width do
      fields[2 * j - 1] = names[j]
      fields[2 * j] = ARGV[(i - 1) * width + j]
    end
    redis.call('HSET', key, unpack(fields))
    answers[i] = {}
  end
end
return answers
"""
)
# Only claims that still exist: a claim released meanwhile is not brought back half written.
_PUBLISHED_MANY = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'state', 'published') end
end
return #KEYS
"""
# A post Kafka had not acknowledged by the deadline: stale at once, so a retry publishes it
# again (downstream drops the repeat) instead of being told it is a duplicate.
_UNCERTAIN_MANY = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'claimed_at', '0') end
end
return #KEYS
"""
# Kafka refused it after the deadline: released, unless a retry has published it since.
_RELEASE_IF_PENDING = """
if redis.call('HGET', KEYS[1], 'state') == 'pending' then return redis.call('DEL', KEYS[1]) end
return 0
"""


class ClaimOutcome(StrEnum):
    NEW = "new"  # first time: publish it
    DUPLICATE = "duplicate"  # already accepted: answer with the same post_id, publish nothing
    CONFLICT = "conflict"  # same external_id, different content
    STALE = "stale"  # accepted earlier but never confirmed published: publish again


FAMILIES = ("ingest:post:*",)


def post_key(post_id: str) -> str:
    return f"ingest:post:{post_id}"


def record_of(event: PostSubmitted, fingerprint: str, state: str) -> dict[str, str]:
    """The registry entry for a post; claimed when the event was made, so a rebuild from the
    topic writes the same entry."""
    post = event.post
    claimed_at = f"{event.occurred_at.timestamp():.3f}"
    values = (post.tenant, post.external_id, post.author_id, fingerprint, state, claimed_at)
    return dict(zip(FIELDS, values, strict=True))


class PostRegistry:
    MARK_WITHIN = 0.1  # seconds a published post may stay marked pending

    def __init__(self, redis: Redis, stale_after: float) -> None:
        self.redis = redis
        self.stale_after = stale_after
        self._marks: list[str] = []
        self._marking: asyncio.TimerHandle | None = None
        self._flushes: set[asyncio.Task] = set()
        self._claim_many = redis.register_script(_CLAIM_MANY)
        self._published_many = redis.register_script(_PUBLISHED_MANY)
        self._uncertain_many = redis.register_script(_UNCERTAIN_MANY)
        self._release_if_pending = redis.register_script(_RELEASE_IF_PENDING)

    async def claim(self, event: PostSubmitted, fingerprint: str) -> ClaimOutcome:
        """Record the post as pending unless it is known: NEW, or what the known entry says."""
        return (await self.claim_many([(event, fingerprint)]))[0]

    async def claim_many(self, claims: list[tuple[PostSubmitted, str]]) -> list[ClaimOutcome]:
        """`claim` for a batch of (event, fingerprint), in one command."""
        if not claims:
            return []
        records = [record_of(event, fingerprint, "pending") for event, fingerprint in claims]
        answers = await self._claim_many(
            keys=[post_key(event.post.post_id) for event, _ in claims],
            args=[value for record in records for value in record.values()],
        )
        now = time.time()
        return [
            classify(dict(zip(a[::2], a[1::2], strict=True)), f, now, self.stale_after)
            if a
            else ClaimOutcome.NEW
            for a, (_, f) in zip(answers, claims, strict=True)
        ]

    async def mark_published_many(self, post_ids: list[str]) -> None:
        if post_ids:
            await self._published_many(keys=[post_key(p) for p in post_ids])

    async def release_many(self, post_ids: list[str]) -> None:
        if post_ids:
            await self.redis.delete(*(post_key(p) for p in post_ids))

    async def restore(self, event: PostSubmitted, fingerprint: str) -> None:
        """A published post's entry, as the rebuild writes it."""
        record = record_of(event, fingerprint, "published")
        await self.redis.hset(post_key(event.post.post_id), mapping=record)

    async def author_of(self, post_id: str) -> tuple[str, str] | None:
        """(tenant, author_id) of a post ingest accepted, else None."""
        tenant, author_id = await self.redis.hmget(post_key(post_id), ["tenant", "author_id"])
        return (tenant, author_id) if tenant and author_id else None

    async def parent_authors(self, tenant: str, external_ids: set[str]) -> dict[str, str]:
        """The authors of the tenant's posts ingest accepted under these external ids (the
        parents replies name), in one round trip; those never received are left out."""
        if not external_ids:
            return {}
        wanted = sorted(external_ids)
        async with self.redis.pipeline(transaction=False) as pipe:
            for external_id in wanted:
                pipe.hget(post_key(post_id_for(tenant, external_id)), "author_id")
            found = await pipe.execute()
        return {e: author for e, author in zip(wanted, found, strict=True) if author}

    async def mark_published(self, post_id: str) -> None:
        await self.mark_published_many([post_id])

    def published_soon(self, post_id: str) -> None:
        """Marked published within `MARK_WITHIN`, with the others of that spell in one command
        (a round trip per post saved at quiet hours, when nothing else shares it). Until then
        the claim reads as pending, which a retry is told is a duplicate just the same; if
        ingest stops first, a retry after `stale_after` publishes again and downstream drops
        the repeat, as after any crash between publishing and marking."""
        self._marks.append(post_id)
        if self._marking is None:
            loop = asyncio.get_running_loop()
            self._marking = loop.call_later(self.MARK_WITHIN, self._flush_soon)

    def _flush_soon(self) -> None:
        task = asyncio.create_task(self.flush_marks())
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def flush_marks(self) -> None:
        """Every mark waiting, now (on shutdown too)."""
        if self._marking is not None:
            self._marking.cancel()
            self._marking = None
        marks, self._marks = self._marks, []
        try:
            await self.mark_published_many(marks)
        except RedisError as error:  # left pending: a retry after stale_after publishes again
            log.warning("published posts left unmarked", extra={"posts": len(marks),
                                                                 "error": str(error)})  # fmt: skip

    async def uncertain_many(self, post_ids: list[str]) -> None:
        """Posts still in flight at the deadline: a retry may publish them again."""
        if post_ids:
            await self._uncertain_many(keys=[post_key(p) for p in post_ids])

    async def settled(self, post_id: str, acked: bool) -> None:
        """Kafka's late answer for an uncertain post: published, or released if still pending."""
        if acked:
            await self.mark_published(post_id)
        else:
            await self._release_if_pending(keys=[post_key(post_id)])

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
