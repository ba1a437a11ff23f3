"""The desk's Kafka handlers on FastStream's in-memory broker and an in-memory Redis: each view
its projection table builds from a topic, and the dead letter for what it cannot read. Real
Kafka and Redis run the same flows in tests/integration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import fakeredis
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.contracts import topics
from services.contracts.events import (
    CaseEvent,
    CaseEventKind,
    CredentialEvent,
    PolicyPublished,
    StrikeEvent,
)
from services.desk import handlers
from services.desk.adapters.cases import CaseBoard
from services.desk.adapters.communities import Communities
from services.desk.adapters.credentials import CredentialStore
from services.desk.adapters.policies import PolicyRegistry
from services.desk.config import Settings
from tests.unit.support import Sink

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
async def desk() -> AsyncIterator[tuple[KafkaBroker, Sink, handlers.Views]]:
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    views = handlers.Views(
        CaseBoard(redis), Communities(redis), CredentialStore(redis), PolicyRegistry(redis)
    )
    broker = KafkaBroker()
    broker.include_router(handlers.router(Settings()))
    broker.context.set_global("desk", views)
    sink = Sink(broker, topics.DEAD_LETTER)
    async with TestKafkaBroker(broker) as test_broker:
        yield test_broker, sink, views
    await redis.aclose()


async def test_a_case_event_updates_the_case_and_answers_its_command(desk) -> None:
    broker, _, views = desk
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


async def test_strikes_count_inside_their_window_and_a_lifted_one_goes(desk) -> None:
    broker, _, views = desk
    strike = StrikeEvent(strike_id="d-0", tenant="acme", author_id="u-1", weight=2,
                         post_id="p-1", window_days=30)  # fmt: skip
    await broker.publish(strike.model_dump(mode="json"), topics.STRIKES)
    assert await views.cases.strikes("acme", None, "u-1") == 2
    lifted = strike.model_copy(update={"removed": True, "event_id": "other"})
    await broker.publish(lifted.model_dump(mode="json"), topics.STRIKES)
    assert await views.cases.strikes("acme", None, "u-1") == 0


async def test_an_expired_strike_is_not_counted(desk) -> None:
    broker, _, views = desk
    old = StrikeEvent(strike_id="d-0", tenant="acme", author_id="u-1", post_id="p-1",
                      window_days=1, occurred_at="2020-01-01T00:00:00Z")  # fmt: skip
    await broker.publish(old.model_dump(mode="json"), topics.STRIKES)
    assert await views.cases.strikes("acme", None, "u-1") == 0


async def test_credentials_of_every_kind_are_kept_for_signing_in(desk) -> None:
    broker, _, views = desk
    token = CredentialEvent(credential_id="m1", kind="moderator_token", tenant="acme",
                            name="mo", role="admin", secret_sha256="0" * 64)  # fmt: skip
    await broker.publish(token.model_dump(mode="json"), topics.CREDENTIALS)
    assert (await views.credentials.get("m1")).role == "admin"


async def test_a_published_policy_is_listed_and_a_broken_one_is_not(desk) -> None:
    broker, _, views = desk
    text = (REPO / "deploy" / "policies" / "default.yaml").read_text()
    good = PolicyPublished(tenant="acme", name="acme", actor="mo", text=text)
    broken = PolicyPublished(tenant="acme", name="acme/games", actor="mo", text="rules: [")
    for event in (good, broken):
        await broker.publish(event.model_dump(mode="json"), topics.POLICIES)
    assert [p["name"] for p in await views.policies.of_tenant("acme")] == ["acme"]


@pytest.mark.parametrize("topic", list(handlers.PROJECTIONS))
async def test_what_cannot_be_read_is_dead_lettered(desk, topic: str) -> None:
    broker, sink, _ = desk
    await broker.publish(b"{broken", topic)
    assert [(d["source_topic"], d["service"]) for d in sink.seen[topics.DEAD_LETTER]] == [
        (topic, "desk")
    ]
