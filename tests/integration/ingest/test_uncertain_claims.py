"""A post Kafka had not acknowledged by the deadline, on the real Redis: a retry publishes it
again rather than being told it is a duplicate; Kafka's late answer keeps the claim of a post
that was published and releases one that was not, unless a retry has published it since."""

from __future__ import annotations

import asyncio
import uuid

from redis.asyncio import Redis

from services.contracts.events import Post, PostSubmitted
from services.ingest.adapters.registry import ClaimOutcome, PostRegistry, post_key
from tests.conftest import Infra


def event() -> PostSubmitted:
    post_id = uuid.uuid4().hex
    return PostSubmitted(
        post=Post(post_id=post_id, tenant="t", external_id=post_id, author_id="a", text="hi")
    )


async def test_an_uncertain_claim_is_published_again_by_a_retry(infra: Infra) -> None:
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    registry = PostRegistry(redis, stale_after=30)
    try:
        first = event()
        assert await registry.claim(first, "f") is ClaimOutcome.NEW
        assert await registry.claim(first, "f") is ClaimOutcome.DUPLICATE  # in flight
        await registry.uncertain_many([first.post.post_id])
        assert await registry.claim(first, "f") is ClaimOutcome.STALE  # a retry publishes
        await registry.settled(first.post.post_id, acked=True)
        assert await registry.claim(first, "f") is ClaimOutcome.DUPLICATE

        refused = event()
        await registry.claim(refused, "f")
        await registry.uncertain_many([refused.post.post_id])
        await registry.settled(refused.post.post_id, acked=False)
        assert not await redis.exists(post_key(refused.post.post_id))  # released

        retried = event()
        await registry.claim(retried, "f")
        await registry.mark_published(retried.post.post_id)  # a retry got it through
        await registry.settled(retried.post.post_id, acked=False)  # the first try failed late
        assert await redis.hget(post_key(retried.post.post_id), "state") == "published"

        gone = event()
        await registry.mark_published(gone.post.post_id)  # never claimed (or released)
        assert not await redis.exists(post_key(gone.post.post_id))  # nothing half written
    finally:
        await redis.aclose()


async def test_published_posts_are_marked_together_soon_and_on_shutdown(infra: Infra) -> None:
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    registry = PostRegistry(redis, stale_after=30)
    try:
        events = [event() for _ in range(5)]
        for one in events:
            assert await registry.claim(one, "f") is ClaimOutcome.NEW
            registry.published_soon(one.post.post_id)
        assert registry._marking is not None  # one flush for all five
        assert await registry.claim(events[0], "f") is ClaimOutcome.DUPLICATE  # meanwhile
        await asyncio.sleep(registry.MARK_WITHIN * 3)
        states = [await redis.hget(post_key(e.post.post_id), "state") for e in events]
        assert states == ["published"] * 5

        last = event()
        await registry.claim(last, "f")
        registry.published_soon(last.post.post_id)
        await registry.flush_marks()  # as the lifespan does on shutdown, before the timer
        assert await redis.hget(post_key(last.post.post_id), "state") == "published"
        assert registry._marking is None
    finally:
        await redis.aclose()
