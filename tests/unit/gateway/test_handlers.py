"""The gateway's Kafka handlers on FastStream's in-memory broker and an in-memory Redis: each
view it builds from a topic, and the dead letter for what it cannot read. Real Kafka and Redis
run the same flows in tests/integration."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import fakeredis
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.contracts import topics
from services.contracts.events import (
    Action,
    AuthorSanctioned,
    CaseEvent,
    CaseEventKind,
    Decision,
    PolicyRef,
    Post,
    PostSubmitted,
    SanctionKind,
    StrikeEvent,
    WebhookEvent,
)
from services.gateway import handlers
from services.gateway.adapters.cases import CaseBoard
from services.gateway.adapters.communities import Communities
from services.gateway.adapters.decisions import DecisionStore, KnownPosts
from services.gateway.adapters.webhooks import DUE, DeliveryQueue, WebhookStore
from services.gateway.config import Settings
from tests.unit.support import Sink

POLICY = PolicyRef(id="default", version="1")


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[KafkaBroker, Sink, handlers.Views]]:
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    views = handlers.Views(
        DecisionStore(redis), KnownPosts(redis, 60), CaseBoard(redis), WebhookStore(redis),
        DeliveryQueue(redis), Communities(redis),
    )  # fmt: skip
    await views.hooks.apply(
        WebhookEvent(webhook_id="w1", tenant="acme", url="http://h/", secret="s")
    )
    broker = KafkaBroker()
    broker.include_router(handlers.router(Settings()))
    broker.context.set_global("gateway", views)
    sink = Sink(broker, topics.DEAD_LETTER)
    async with TestKafkaBroker(broker) as test_broker:
        yield test_broker, sink, views
    await redis.aclose()


def decision(revision: int = 0, action: Action = Action.REMOVE) -> Decision:
    return Decision(event_id=f"d-{revision}", post_id="p-1", tenant="acme", author_id="u-1",
                    action=action, policy=POLICY, revision=revision)  # fmt: skip


async def test_a_decision_is_stored_and_queued_for_the_webhook(gateway) -> None:
    broker, _, views = gateway
    await broker.publish(decision().model_dump(mode="json"), topics.DECISIONS)
    assert (await views.decisions.latest("p-1")).action is Action.REMOVE
    [delivery] = await views.deliveries.lease(now=2e9, lease_seconds=1, limit=10)
    assert (delivery.event_type, delivery.event_id) == ("decision", "d-0")
    assert json.loads(delivery.body)["decision_id"] == "d-0"  # the public view, not the event


async def test_an_older_revision_never_replaces_a_newer_one(gateway) -> None:
    broker, _, views = gateway
    await broker.publish(decision(1, Action.ALLOW).model_dump(mode="json"), topics.DECISIONS)
    await broker.publish(decision(0).model_dump(mode="json"), topics.DECISIONS)
    assert (await views.decisions.latest("p-1")).revision == 1
    assert await views.deliveries.redis.zcard(DUE) == 1


async def test_a_sanction_reaches_the_feed_the_author_and_the_webhook_once(gateway) -> None:
    broker, _, views = gateway
    sanction = AuthorSanctioned(event_id="s-1", tenant="acme", author_id="u-1",
                                sanction=SanctionKind.MUTE, duration_hours=24, strikes=4,
                                policy=POLICY, post_id="p-1")  # fmt: skip
    for _ in range(2):  # redelivered
        await broker.publish(sanction.model_dump(mode="json"), topics.SANCTIONS)
    feed = await views.decisions.feed("acme", None, 10)
    assert [type(entry).__name__ for _, entry in feed] == ["AuthorSanctioned"]
    found, cursor = await views.decisions.sanctions("acme", "u-1", None, 10)
    assert [s.event_id for s in found] == ["s-1"] and cursor is None
    [delivery] = await views.deliveries.lease(now=2e9, lease_seconds=1, limit=10)
    assert json.loads(delivery.body)["expires_at"]


async def test_a_submitted_post_is_known_as_pending(gateway) -> None:
    broker, _, views = gateway
    post = Post(post_id="p-9", tenant="acme", external_id="e", author_id="u", text="t")
    await broker.publish(PostSubmitted(post=post).model_dump(mode="json"), topics.POSTS_SUBMITTED)
    assert await views.posts.tenant_of("p-9") == "acme"


async def test_a_case_event_updates_the_case_and_answers_its_command(gateway) -> None:
    broker, _, views = gateway
    opened = CaseEvent(case_id="c-1", post_id="p-1", tenant="acme", author_id="u-1",
                       kind=CaseEventKind.OPENED, queue="safety", actor="system", priority=0)  # fmt: skip
    claimed = CaseEvent(case_id="c-1", post_id="p-1", tenant="acme", author_id="u-1",
                        kind=CaseEventKind.CLAIMED, queue="safety", actor="mo", action_id="a-1")  # fmt: skip
    for event in (opened, claimed):
        await broker.publish(event.model_dump(mode="json"), topics.CASE_EVENTS)
    case = await views.cases.get("c-1")
    assert (case.state.value, case.assignee) == ("claimed", "mo")
    answer = await views.cases.answer("a-1", timeout=0.1)
    assert answer is not None and answer.kind is CaseEventKind.CLAIMED
    assert [e.kind for e in await views.cases.trail("c-1")] == [
        CaseEventKind.OPENED, CaseEventKind.CLAIMED,
    ]  # fmt: skip
    (queue,) = await views.cases.queues("acme")
    assert (queue.queue, queue.depth, queue.oldest_opened) == (
        "safety", 1, opened.occurred_at.timestamp(),
    )  # fmt: skip


async def test_strikes_count_inside_their_window_and_a_lifted_one_goes(gateway) -> None:
    broker, _, views = gateway
    strike = StrikeEvent(strike_id="d-0", tenant="acme", author_id="u-1", weight=2,
                         post_id="p-1", window_days=30)  # fmt: skip
    await broker.publish(strike.model_dump(mode="json"), topics.STRIKES)
    assert await views.cases.strikes("acme", None, "u-1") == 2
    lifted = strike.model_copy(update={"removed": True, "event_id": "other"})
    await broker.publish(lifted.model_dump(mode="json"), topics.STRIKES)
    assert await views.cases.strikes("acme", None, "u-1") == 0


async def test_an_expired_strike_is_not_counted(gateway) -> None:
    broker, _, views = gateway
    old = StrikeEvent(strike_id="d-0", tenant="acme", author_id="u-1", post_id="p-1",
                      window_days=1, occurred_at="2020-01-01T00:00:00Z")  # fmt: skip
    await broker.publish(old.model_dump(mode="json"), topics.STRIKES)
    assert await views.cases.strikes("acme", None, "u-1") == 0


@pytest.mark.parametrize(
    "topic",
    [
        topics.DECISIONS,
        topics.SANCTIONS,
        topics.CASE_EVENTS,
        topics.STRIKES,
        topics.POSTS_SUBMITTED,
    ],
)
async def test_what_cannot_be_read_is_dead_lettered(gateway, topic: str) -> None:
    broker, sink, _ = gateway
    await broker.publish(b"{broken", topic)
    assert [(d["source_topic"], d["service"]) for d in sink.seen[topics.DEAD_LETTER]] == [
        (topic, "gateway")
    ]
