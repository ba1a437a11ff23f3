"""What platforms read, built by the gateway from the topics: decisions, sanctions, staff
replies (outreach's) and the feed of them all (the posts it has seen submitted: `posts`).

gateway:decision:{post_id}                  latest revision (hash: revision, decision JSON)
gateway:decision-history:{post_id}          every revision stored, oldest first
gateway:author-decisions:{tenant}:{author}  the author's latest decisions, newest first
gateway:feed:{tenant}                       a stream of the tenant's decisions, sanctions, replies
gateway:sanction:{sanction_id}              one sanction (AuthorSanctioned JSON)
gateway:sanctions:{tenant}:{author}         the author's sanctions, by time
gateway:reply:{reply_id}                    a reply already put on the feed (a marker)

A decision is stored only if its revision is newer than the one held, a sanction or a reply
only once, so redelivered or reordered events never roll a post back or repeat an entry.
Rebuilt by replaying the topics (a rebuilt feed has new cursors).
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.contracts.events import AuthorSanctioned, Decision, ReplyWritten
from services.shared import paging
from services.shared.scripts import run_many

FEED_MAX = 1_000_000  # entries kept per tenant (approximate trim)
AUTHOR_MAX = 50
FAMILIES = (
    "gateway:decision:*",
    "gateway:decision-history:*",
    "gateway:author-decisions:*",
    "gateway:feed:*",
    "gateway:sanction:*",
    "gateway:sanctions:*",
    "gateway:reply:*",
)
FeedEntry = Decision | AuthorSanctioned | ReplyWritten


_STORE_IF_NEWER = """
local current = redis.call('HGET', KEYS[1], 'revision')
if current and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'revision', ARGV[1], 'decision', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'type', 'decision', 'event', ARGV[2])
redis.call('LPUSH', KEYS[4], ARGV[2])
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[4]) - 1)
return 1
"""

_STORE_ONCE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX') == false then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'type', 'sanction', 'event', ARGV[1])
return 1
"""

_FEED_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX') == false then
  return 0
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'type', ARGV[3], 'event', ARGV[1])
return 1
"""


def decision_key(post_id: str) -> str:
    return f"gateway:decision:{post_id}"


def history_key(post_id: str) -> str:
    return f"gateway:decision-history:{post_id}"


def feed_key(tenant: str) -> str:
    return f"gateway:feed:{tenant}"


def author_key(tenant: str, author_id: str) -> str:
    return f"gateway:author-decisions:{tenant}:{author_id}"


def sanction_key(sanction_id: str) -> str:
    return f"gateway:sanction:{sanction_id}"


def sanctions_key(tenant: str, author_id: str) -> str:
    return f"gateway:sanctions:{tenant}:{author_id}"


def _decode(raw: str) -> Decision:
    return Decision.model_validate(json.loads(raw))


def reply_key(reply_id: str) -> str:
    return f"gateway:reply:{reply_id}"


def _entry(fields: dict[str, str]) -> FeedEntry:
    if fields.get("type") == "sanction":
        return AuthorSanctioned.model_validate_json(fields["event"])
    if fields.get("type") == "reply":
        return ReplyWritten.model_validate_json(fields["event"])
    return Decision.model_validate_json(fields["event"])


class DecisionStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._store = redis.register_script(_STORE_IF_NEWER)
        self._store_once = redis.register_script(_STORE_ONCE)
        self._feed_once = redis.register_script(_FEED_ONCE)

    async def newer_of(self, decisions: list[Decision]) -> list[Decision]:
        """Those newer than what is stored for their post, read in one round trip."""
        if not decisions:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for decision in decisions:
                pipe.hget(decision_key(decision.post_id), "revision")
            stored = await pipe.execute()
        return [
            decision
            for decision, current in zip(decisions, stored, strict=True)
            if current is None or int(current) < decision.revision
        ]

    async def store(self, decision: Decision) -> bool:
        return (await self.store_many([decision]))[0]

    async def store_many(self, decisions: list[Decision]) -> list[bool]:
        """Each decision unless a newer revision of its post is stored; one round trip, in order."""
        if not decisions:
            return []
        calls = [
            (
                [
                    decision_key(decision.post_id),
                    history_key(decision.post_id),
                    feed_key(decision.tenant),
                    author_key(decision.tenant, decision.author_id),
                ],
                [decision.revision, decision.model_dump_json(), FEED_MAX, AUTHOR_MAX],
            )
            for decision in decisions
        ]
        return [bool(stored) for stored in await run_many(self.redis, self._store, calls)]

    async def is_new_sanction(self, sanction: AuthorSanctioned) -> bool:
        return not await self.redis.exists(sanction_key(sanction.event_id))

    async def store_sanction(self, sanction: AuthorSanctioned) -> bool:
        keys = [
            sanction_key(sanction.event_id),
            sanctions_key(sanction.tenant, sanction.author_id),
            feed_key(sanction.tenant),
        ]
        at = sanction.occurred_at.timestamp()
        args = [sanction.model_dump_json(), at, sanction.event_id, FEED_MAX]
        return bool(await self._store_once(keys=keys, args=args))

    async def is_new_reply(self, reply: ReplyWritten) -> bool:
        return not await self.redis.exists(reply_key(reply.reply_id))

    async def store_reply(self, reply: ReplyWritten) -> bool:
        """Onto the tenant's feed, once per reply id (a retried reply is the same reply)."""
        keys = [reply_key(reply.reply_id), feed_key(reply.tenant)]
        return bool(
            await self._feed_once(keys=keys, args=[reply.model_dump_json(), FEED_MAX, "reply"])
        )

    async def sanctions(
        self, tenant: str, author_id: str, position: paging.Position | None, limit: int
    ) -> tuple[list[AuthorSanctioned], str | None]:
        """The author's sanctions, newest first, one page after `position`."""
        high = position.score if position else "+inf"
        entries = await self.redis.zrevrangebyscore(
            sanctions_key(tenant, author_id), high, "-inf", start=0, num=limit + 50, withscores=True
        )
        if position is not None:  # newest first: ties on the time go by descending id
            entries = [
                (m, s)
                for m, s in entries
                if s < position.score or (s == position.score and m < position.member)
            ]
        page = entries[:limit]
        raws = await self.redis.mget([sanction_key(m) for m, _ in page]) if page else []
        found = [AuthorSanctioned.model_validate_json(raw) for raw in raws if raw]
        more = len(entries) > limit
        return found, paging.encode(paging.Position(page[-1][1], page[-1][0])) if more else None

    async def latest(self, post_id: str) -> Decision | None:
        raw = await self.redis.hget(decision_key(post_id), "decision")
        return _decode(raw) if raw else None

    async def first_of(self, post_ids: list[str]) -> dict[str, Decision]:
        """Each post's first stored decision (the automated one), in one round trip."""
        return await self._at(post_ids, 0)

    async def latest_of(self, post_ids: list[str]) -> dict[str, Decision]:
        """Each post's latest decision (a removal made since, say), in one round trip."""
        return await self._at(post_ids, -1)

    async def _at(self, post_ids: list[str], index: int) -> dict[str, Decision]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for post_id in post_ids:
                pipe.lindex(history_key(post_id), index)
            raws = await pipe.execute()
        return {post_id: _decode(raw) for post_id, raw in zip(post_ids, raws, strict=True) if raw}

    async def history(self, post_id: str) -> list[Decision]:
        return [_decode(raw) for raw in await self.redis.lrange(history_key(post_id), 0, -1)]

    async def by_author(self, tenant: str, author_id: str, limit: int = 20) -> list[Decision]:
        raws = await self.redis.lrange(author_key(tenant, author_id), 0, limit - 1)
        return [_decode(raw) for raw in raws]

    async def feed(self, tenant: str, after: str | None, limit: int) -> list[tuple[str, FeedEntry]]:
        """Up to `limit` feed entries after the cursor (exclusive), oldest first."""
        start = f"({after}" if after else "-"
        entries = await self.redis.xrange(feed_key(tenant), min=start, max="+", count=limit)
        return [(entry_id, _entry(fields)) for entry_id, fields in entries]

    async def wait_for(
        self, tenant: str, after: str, block_ms: int, limit: int = 100
    ) -> list[tuple[str, FeedEntry]]:
        """Like `feed`, but waits up to `block_ms` for something new (for the SSE stream)."""
        found = await self.redis.xread({feed_key(tenant): after}, count=limit, block=block_ms)
        return [(i, _entry(f)) for _, entries in found or [] for i, f in entries]

    async def recent(self, tenant: str, limit: int) -> list[Decision]:
        """The tenant's last `limit` feed entries that are decisions, newest first."""
        entries = await self.redis.xrevrange(feed_key(tenant), count=limit)
        found = (_entry(fields) for _, fields in entries)
        return [e for e in found if isinstance(e, Decision)]

    async def last_cursor(self, tenant: str) -> str:
        entries = await self.redis.xrevrange(feed_key(tenant), count=1)
        return entries[0][0] if entries else "0-0"
