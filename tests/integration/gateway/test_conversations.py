"""The conversation around a post, on real Redis: its parent, a bounded slice of its thread
and its author's recent posts, each with its latest decision; a capped thread, a parent never
received and another tenant's thread of the same name each have their defined answer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from services.contracts.events import (
    Action,
    Decision,
    PolicyRef,
    Post,
    PostSubmitted,
    post_id_for,
)
from services.gateway.adapters import posts as known
from services.gateway.adapters.decisions import DecisionStore
from tests.conftest import Infra

pytestmark = pytest.mark.integration
T0 = datetime.now(UTC) - timedelta(minutes=30)


def said(tenant: str, n: int, author: str = "a", **conversation: str) -> PostSubmitted:
    post = Post(post_id=post_id_for(tenant, f"c{n}"), tenant=tenant, external_id=f"c{n}",
                author_id=author, text=f"post {n}", **conversation)  # fmt: skip
    return PostSubmitted(post=post, occurred_at=T0 + timedelta(seconds=n))


def decided(event: PostSubmitted, action: Action, toxicity: float) -> Decision:
    post = event.post
    return Decision(post_id=post.post_id, tenant=post.tenant, author_id=post.author_id,
                    action=action, scores={"toxicity": toxicity},
                    policy=PolicyRef(id="p", version="1"))  # fmt: skip


@pytest.fixture
async def redis(infra: Infra):
    client = Redis.from_url(infra.redis_url, decode_responses=True)
    yield client
    await client.aclose()


async def test_a_reply_is_read_with_its_parent_its_neighbours_and_its_authors_posts(
    redis: Redis,
) -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    posts = known.KnownPosts(redis, 3600, 3600)
    thread = [said(tenant, 0, "op", thread_id="t1")]
    thread += [said(tenant, n, f"m{n}", thread_id="t1", reply_to="c0") for n in range(1, 30)]
    elsewhere = said(tenant, 40, "m15")  # the author's post outside the thread
    other_tenant = said(f"x{tenant}", 15, "m15", thread_id="t1")
    assert await posts.add([*thread, elsewhere, other_tenant]) == 32
    store = DecisionStore(redis)
    await store.store_many([decided(thread[0], Action.ALLOW, 0.02),
                            decided(elsewhere, Action.REMOVE, 0.97)])  # fmt: skip
    me = thread[15].post
    found = await posts.conversation(tenant, me.post_id, "m15", around=3, recent=10)
    assert found.reply_to == "c0"
    assert found.parent is not None and found.parent.text == "post 0"
    assert found.parent.action is Action.ALLOW and found.parent.scores == {"toxicity": 0.02}
    assert [p.external_id for p in found.thread] == [f"c{n}" for n in range(12, 19)]
    assert found.thread_posts == 30 and found.thread[3].action is None  # pending
    assert [p.external_id for p in found.author_recent] == ["c40"]  # not the other tenant's
    assert found.author_recent[0].action is Action.REMOVE


async def test_a_thread_keeps_its_newest_posts_and_a_missing_parent_is_named_not_found(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(known, "THREAD_KEPT", 10)
    tenant = f"t{uuid.uuid4().hex[:8]}"
    posts = known.KnownPosts(redis, 3600, 3600)
    thread = [said(tenant, n, thread_id="long", reply_to="never-seen") for n in range(25)]
    await posts.add(thread)
    newest = await posts.conversation(tenant, thread[-1].post.post_id, "a", around=2, recent=0)
    assert newest.reply_to == "never-seen" and newest.parent is None
    assert newest.thread_posts == 10
    assert [p.external_id for p in newest.thread] == ["c22", "c23", "c24"]
    oldest = await posts.conversation(tenant, thread[0].post.post_id, "a", around=2, recent=0)
    assert oldest.thread == [] and oldest.thread_posts == 10  # trimmed away: none shown


async def test_what_was_said_is_kept_only_for_its_time(redis: Redis) -> None:
    tenant = f"t{uuid.uuid4().hex[:8]}"
    posts = known.KnownPosts(redis, 7 * 86400, 3600)
    old = said(tenant, 0, thread_id="t")
    old = old.model_copy(update={"occurred_at": datetime.now(UTC) - timedelta(hours=2)})
    assert await posts.add([old]) == 1  # still pending-known
    assert await posts.tenant_of(old.post.post_id) == tenant
    assert not await redis.exists(known.said_key(old.post.post_id))
    found = await posts.conversation(tenant, old.post.post_id, "a", around=2, recent=5)
    assert found.thread == [] and found.parent is None
