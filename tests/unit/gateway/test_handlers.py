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
    CommunityAlert,
    CommunityAlertKind,
    CredentialEvent,
    Decision,
    PolicyRef,
    Post,
    PostSubmitted,
    SanctionKind,
    WebhookEvent,
)
from services.gateway import handlers
from services.gateway.adapters.decisions import DecisionStore
from services.gateway.adapters.posts import KnownPosts
from services.gateway.adapters.score_maps import ScoreMaps
from services.gateway.adapters.webhooks import DUE, DeliveryQueue, WebhookStore
from services.gateway.config import Settings
from services.shared.keys import PlatformKeys
from tests.unit.support import Sink

POLICY = PolicyRef(id="default", version="1")


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[KafkaBroker, Sink, handlers.Views]]:
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    views = handlers.Views(
        DecisionStore(redis), KnownPosts(redis, 60), WebhookStore(redis), DeliveryQueue(redis),
        PlatformKeys(redis, "gateway"), ScoreMaps(redis),
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


async def test_a_community_alert_goes_to_the_webhook_once(gateway) -> None:
    broker, _, views = gateway
    alert = CommunityAlert(
        event_id="al-1",
        tenant="acme",
        community="games",
        kind=CommunityAlertKind.WAVE_STARTED,
        window_seconds=300,
        wave_started_at="2026-12-06T10:00:00Z",
        at="2026-12-06T10:05:00Z",
        volume=40,
        negative=24,
        rate=0.6,
        baseline=0.1,
        surprise=9.0,
    )
    for _ in range(2):  # redelivered
        await broker.publish(alert.model_dump(mode="json"), topics.COMMUNITY_ALERTS)
    [delivery] = await views.deliveries.lease(now=2e9, lease_seconds=1, limit=10)
    assert (delivery.event_type, delivery.event_id) == ("community_alert", "al-1")


async def test_a_platform_key_is_known_and_a_moderator_token_is_not(gateway) -> None:
    broker, _, views = gateway
    key = CredentialEvent(credential_id="k1", kind="api_key", tenant="acme", name="forum",
                          secret_sha256="0" * 64, scopes=["decisions:read"])  # fmt: skip
    token = key.model_copy(update={"credential_id": "m1", "kind": "moderator_token"})
    for event in (key, token):
        await broker.publish(event.model_dump(mode="json"), topics.CREDENTIALS)
    assert (await views.keys.get("k1")).tenant == "acme"
    assert await views.keys.get("m1") is None
    revoked = key.model_copy(update={"revoked": True, "event_id": "k1-revoked"})
    await broker.publish(revoked.model_dump(mode="json"), topics.CREDENTIALS)
    assert (await views.keys.get("k1")).revoked


@pytest.mark.parametrize("topic", list(handlers.PROJECTIONS))
async def test_what_cannot_be_read_is_dead_lettered(gateway, topic: str) -> None:
    broker, sink, _ = gateway
    await broker.publish(b"{broken", topic)
    assert [(d["source_topic"], d["service"]) for d in sink.seen[topics.DEAD_LETTER]] == [
        (topic, "gateway")
    ]
