"""The posts the gateway has seen submitted, its own keys:

gateway:post:{post_id}                 the post's tenant: `pending` until it is decided (expires)
gateway:said:{post_id}                 the post as said, for its conversation (expires sooner)
gateway:thread:{tenant}:{thread_id}    sorted set: the thread's post ids by when they were said,
                                       the newest THREAD_KEPT only (a tenant has no `:`)

Each is kept for its time after the post was submitted (a rebuild keeps only those still
inside it, for the time they have left). A conversation is read around one post: its parent,
a bounded slice of its thread by rank, and its author's latest decided posts, so a thread of
100,000 posts costs what a thread of ten does.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from redis.asyncio import Redis

from services.contracts.conversations import Conversation, SaidPost
from services.contracts.events import Decision, PostSubmitted, post_id_for
from services.gateway.adapters.decisions import author_key, decision_key

THREAD_KEPT = 2000
FAMILIES = ("gateway:post:*", "gateway:said:*", "gateway:thread:*")


def post_key(post_id: str) -> str:
    return f"gateway:post:{post_id}"


def said_key(post_id: str) -> str:
    return f"gateway:said:{post_id}"


def thread_key(tenant: str, thread_id: str) -> str:
    return f"gateway:thread:{tenant}:{thread_id}"


def said_json(event: PostSubmitted) -> str:
    post = event.post
    return json.dumps({
        "post_id": post.post_id, "external_id": post.external_id, "author_id": post.author_id,
        "community": post.community, "text": post.text, "said_at": event.occurred_at.timestamp(),
        "reply_to": post.reply_to, "thread_id": post.thread_id,
    }, ensure_ascii=False)  # fmt: skip


def said_post(raw: str, decision: str | None) -> SaidPost:
    said = json.loads(raw)
    said["said_at"] = datetime.fromtimestamp(said["said_at"], UTC)
    if decision:
        d = Decision.model_validate_json(decision)
        said |= {"action": d.action, "revision": d.revision, "decided_by": d.decided_by,
                 "scores": d.scores}  # fmt: skip
    return SaidPost.model_validate(said)


class KnownPosts:
    """`pending` for `ttl_seconds` after a post was submitted (by then it has its decision);
    what it said, for `said_seconds`."""

    def __init__(self, redis: Redis, ttl_seconds: int, said_seconds: int = 0) -> None:
        self.redis, self.ttl, self.said_seconds = redis, ttl_seconds, said_seconds

    async def add(self, events: list[PostSubmitted]) -> int:
        """How many were still inside their window and are remembered; one round trip."""
        now = time.time()
        kept = 0
        async with self.redis.pipeline(transaction=False) as pipe:
            for event in events:
                at, post = event.occurred_at.timestamp(), event.post
                pending = int(at + self.ttl - now)
                if pending > 0:
                    kept += 1
                    pipe.set(post_key(post.post_id), post.tenant, ex=pending)
                said = int(at + self.said_seconds - now)
                if said <= 0:
                    continue
                pipe.set(said_key(post.post_id), said_json(event), ex=said)
                if post.thread_id is not None:
                    thread = thread_key(post.tenant, post.thread_id)
                    pipe.zadd(thread, {post.post_id: at})
                    pipe.zremrangebyrank(thread, 0, -THREAD_KEPT - 1)
                    pipe.expire(thread, self.said_seconds)
            await pipe.execute()
        return kept

    async def tenant_of(self, post_id: str) -> str | None:
        return await self.redis.get(post_key(post_id))

    async def conversation(
        self, tenant: str, post_id: str, author_id: str, around: int, recent: int
    ) -> Conversation:
        """The post's parent, up to `around` neighbours each side in its thread, and up to
        `recent` of its author's latest decided posts; three round trips, bounded."""
        said = await self.redis.get(said_key(post_id))
        me = json.loads(said) if said else {}
        reply_to, thread_id = me.get("reply_to"), me.get("thread_id")
        thread = thread_key(tenant, thread_id) if thread_id else None
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.lrange(author_key(tenant, author_id), 0, recent)  # one more: the post itself
            if thread:
                pipe.zrank(thread, post_id)
                pipe.zcard(thread)
            authored, *ranked = await pipe.execute()
        rank, size = ranked if ranked else (None, 0)
        neighbours: list[str] = []
        if thread and rank is not None:
            neighbours = await self.redis.zrange(thread, max(0, rank - around), rank + around)
        by_author = [d.post_id for d in map(Decision.model_validate_json, authored)]
        parent = post_id_for(tenant, reply_to) if reply_to else None
        wanted = list(dict.fromkeys([*([parent] if parent else []), *neighbours, *by_author]))
        posts = await self.said_with_decisions(wanted)
        return Conversation(
            post_id=post_id,
            reply_to=reply_to,
            parent=posts.get(parent) if parent else None,
            thread=[posts[p] for p in neighbours if p in posts],
            thread_posts=int(size or 0),
            author_recent=[posts[p] for p in by_author if p in posts and p != post_id][:recent],
        )

    async def said_with_decisions(self, post_ids: list[str]) -> dict[str, SaidPost]:
        if not post_ids:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            for post_id in post_ids:
                pipe.get(said_key(post_id))
                pipe.hget(decision_key(post_id), "decision")
            found = await pipe.execute()
        pairs = zip(found[::2], found[1::2], strict=True)
        return {p: said_post(raw, d) for p, (raw, d) in zip(post_ids, pairs, strict=True) if raw}
