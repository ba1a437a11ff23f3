"""Escalation's Kafka handlers on FastStream's in-memory broker and an in-memory Redis: what
each decodes, publishes, writes and dead-letters. The same flows run on real Kafka and Redis in
tests/integration; these only check the wiring, fast."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import fakeredis
import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.contracts import topics
from services.contracts.cases import case_id_for
from services.contracts.events import (
    CommunityAlert,
    CrisisCommand,
    ModelInfo,
    ModeratorAction,
    Post,
    PostReported,
    PostScored,
    moderator_action,
)
from services.escalation import handlers
from services.escalation.adapters.cases import ActionLedger, CaseStore
from services.escalation.adapters.effects import State
from services.escalation.adapters.policies import PolicyBook
from services.escalation.adapters.reports import ReportBook
from services.escalation.adapters.state import DecisionLedger, StrikeLedger
from services.escalation.config import REPO_POLICIES, Settings
from tests.unit.support import Sink


@pytest.fixture
async def escalation() -> AsyncIterator[tuple[KafkaBroker, Sink, State]]:
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    state = State(
        DecisionLedger(redis),
        StrikeLedger(redis),
        CaseStore(redis),
        ActionLedger(redis),
        ReportBook(redis, 7 * 86400),
    )
    broker = KafkaBroker()
    broker.include_router(handlers.router(Settings()))
    broker.context.set_global("escalation", handlers.Escalation(state, PolicyBook(REPO_POLICIES)))
    outputs = (topics.DECISIONS, topics.CASE_EVENTS, topics.STRIKES, topics.SANCTIONS, topics.DEAD_LETTER, topics.CRISIS)  # fmt: skip
    sink = Sink(broker, *outputs)
    async with TestKafkaBroker(broker) as test_broker:
        yield test_broker, sink, state
    await redis.aclose()


def scored(external_id: str, scores: dict[str, float], community: str | None = None) -> PostScored:
    post = Post(post_id=f"p-{external_id}", tenant="acme", external_id=external_id,
                author_id="u-1", text="t", community=community)  # fmt: skip
    return PostScored(post=post, scores=scores, model=ModelInfo(id="m", version="1"))


async def test_a_scored_post_gets_one_decision(escalation) -> None:
    broker, sink, state = escalation
    await broker.publish(
        scored("a", {"toxicity": 0.01}).model_dump(mode="json"), topics.POSTS_SCORED
    )
    assert [(d["post_id"], d["action"]) for d in sink.seen[topics.DECISIONS]] == [("p-a", "allow")]
    assert await state.decided.already_decided(["p-a"]) == {"p-a"}


async def test_a_redelivered_post_is_not_decided_again(escalation) -> None:
    broker, sink, _ = escalation
    event = scored("a", {"toxicity": 0.01}).model_dump(mode="json")
    await broker.publish(event, topics.POSTS_SCORED)
    await broker.publish(event, topics.POSTS_SCORED)
    assert len(sink.seen[topics.DECISIONS]) == 1


async def test_a_threat_opens_a_case_gives_strikes_and_warns(escalation) -> None:
    broker, sink, state = escalation
    await broker.publish(scored("t", {"threat": 0.95}).model_dump(mode="json"), topics.POSTS_SCORED)
    [opened] = sink.seen[topics.CASE_EVENTS]
    assert (opened["kind"], opened["queue"], opened["author_strikes"]) == ("opened", "safety", 0)
    assert [s["weight"] for s in sink.seen[topics.STRIKES]] == [2]
    assert [s["sanction"] for s in sink.seen[topics.SANCTIONS]] == ["warn"]
    case = await state.cases.get(case_id_for("p-t"))
    assert case is not None and case.queue == "safety"


async def test_a_poison_message_is_dead_lettered_and_the_rest_decided(escalation) -> None:
    broker, sink, _ = escalation
    await broker.publish(b"not json", topics.POSTS_SCORED)
    await broker.publish({"post": {"post_id": "x"}}, topics.POSTS_SCORED)
    await broker.publish(
        scored("ok", {"toxicity": 0.01}).model_dump(mode="json"), topics.POSTS_SCORED
    )
    assert [d["error_kind"] for d in sink.seen[topics.DEAD_LETTER]] == [
        "undecodable",
        "invalid_schema",
    ]
    assert [d["post_id"] for d in sink.seen[topics.DECISIONS]] == ["p-ok"]


def command(verb: str, moderator: str = "mo", **arguments) -> ModeratorAction:
    return moderator_action(case_id=case_id_for("p-t"), tenant="acme", author_id="u-1",
                           moderator_id=moderator, command=verb,
                            **({"arguments": arguments} if arguments else {}))  # fmt: skip


async def test_a_command_is_answered_once_with_its_action_id(escalation) -> None:
    broker, sink, state = escalation
    await broker.publish(scored("t", {"threat": 0.95}).model_dump(mode="json"), topics.POSTS_SCORED)
    claim = command("claim").model_dump(mode="json")
    await broker.publish(claim, topics.MODERATOR_ACTIONS)
    await broker.publish(claim, topics.MODERATOR_ACTIONS)  # redelivered
    answers = [e for e in sink.seen[topics.CASE_EVENTS] if e["action_id"] == claim["action_id"]]
    assert [(a["kind"], a["actor"]) for a in answers] == [("claimed", "mo")]
    assert await state.answers.seen(claim["action_id"])


async def test_overturning_publishes_the_new_decision_and_lifts_the_strike(escalation) -> None:
    broker, sink, state = escalation
    await broker.publish(scored("t", {"threat": 0.95}).model_dump(mode="json"), topics.POSTS_SCORED)
    for verb in ("claim", "approve"):
        await broker.publish(command(verb).model_dump(mode="json"), topics.MODERATOR_ACTIONS)
    assert [(d["revision"], d["action"], d["decided_by"]) for d in sink.seen[topics.DECISIONS]] == [
        (0, "escalate", "automated"), (1, "allow", "mo"),
    ]  # fmt: skip
    assert [s["removed"] for s in sink.seen[topics.STRIKES]] == [False, True]
    assert await state.strikes.count("acme", None, "u-1", time.time(), 90) == 0


async def test_a_command_on_no_case_is_rejected(escalation) -> None:
    broker, sink, _ = escalation
    await broker.publish(command("claim").model_dump(mode="json"), topics.MODERATOR_ACTIONS)
    assert [(e["kind"], e["reason"]) for e in sink.seen[topics.CASE_EVENTS]] == [
        ("rejected", "no such case")
    ]


def member_report(reporter: str, reason: str = "harassment") -> dict:
    return PostReported(
        report_id=f"r-{reporter}", post_id="p-a", tenant="acme", author_id="u-1",
        reporter_id=reporter, reason_code=reason,
    ).model_dump(mode="json")  # fmt: skip


async def test_three_members_reporting_an_allowed_post_open_a_case(escalation) -> None:
    broker, sink, state = escalation
    await broker.publish(
        scored("a", {"toxicity": 0.01}).model_dump(mode="json"), topics.POSTS_SCORED
    )
    for reporter in ("m1", "m2", "m2", "m3"):  # m2 twice: counted once
        await broker.publish(member_report(reporter), topics.REPORTS)
    kinds = [(e["kind"], e.get("report_count")) for e in sink.seen[topics.CASE_EVENTS]]
    assert kinds == [("opened", None), ("reported", 1), ("reported", 2), ("reported", 3)]
    case = await state.cases.get(case_id_for("p-a"))
    assert case is not None and case.reports == 3 and case.queue == "general"


async def test_an_upheld_report_gives_the_author_a_strike(escalation) -> None:
    broker, sink, state = escalation
    await broker.publish(
        scored("a", {"toxicity": 0.01}).model_dump(mode="json"), topics.POSTS_SCORED
    )
    for reporter in ("m1", "m2", "m3"):
        await broker.publish(member_report(reporter), topics.REPORTS)
    for verb in ("claim", "remove"):
        action = command(verb).model_copy(update={"case_id": case_id_for("p-a")})
        await broker.publish(action.model_dump(mode="json"), topics.MODERATOR_ACTIONS)
    [strike] = sink.seen[topics.STRIKES]
    assert strike["weight"] == 1 and strike["reason"] == "reports upheld by mo"
    assert await state.strikes.count("acme", None, "u-1", time.time(), 90) == 1
    assert sink.seen[topics.DECISIONS][-1]["action"] == "remove"


async def test_a_poison_report_is_dead_lettered(escalation) -> None:
    broker, sink, _ = escalation
    await broker.publish({"report_id": "x"}, topics.REPORTS)
    assert [d["source_topic"] for d in sink.seen[topics.DEAD_LETTER]] == [topics.REPORTS]


async def test_an_admin_switch_puts_a_community_in_crisis_for_its_next_posts(escalation) -> None:
    broker, sink, _ = escalation
    before = scored("before", {"toxicity": 0.8}, community="games")
    await broker.publish(before.model_dump(mode="json"), topics.POSTS_SCORED)
    switch = CrisisCommand(tenant="acme", community="games", on=True, moderator_id="lead")
    await broker.publish(switch.model_dump(mode="json"), topics.CRISIS_COMMANDS)
    [change] = sink.seen[topics.CRISIS]
    assert (change["on"], change["source"], change["actor"]) == (True, "moderator", "lead")
    for post in (
        scored("during", {"toxicity": 0.8}, "games"),
        scored("elsewhere", {"toxicity": 0.8}),
    ):
        await broker.publish(post.model_dump(mode="json"), topics.POSTS_SCORED)
    got = {d["post_id"]: (d["action"], d["crisis"]) for d in sink.seen[topics.DECISIONS]}
    assert got == {
        "p-before": ("label", False),
        "p-during": ("hold", True),
        "p-elsewhere": ("label", False),
    }


async def test_a_wave_under_the_default_policy_does_not_switch_crisis_on(escalation) -> None:
    broker, sink, _ = escalation
    alert = CommunityAlert(
        tenant="acme", community="games", kind="wave_started", window_seconds=300,
        wave_started_at="2026-12-02T12:00:00Z", at="2026-12-02T12:00:00Z", volume=80,
        negative=50, rate=0.62, baseline=0.1, surprise=9.5,
    )  # fmt: skip
    await broker.publish(alert.model_dump(mode="json"), topics.COMMUNITY_ALERTS)
    await broker.publish(b"not json", topics.CRISIS_COMMANDS)
    assert sink.seen[topics.CRISIS] == []
    assert [d["error_kind"] for d in sink.seen[topics.DEAD_LETTER]] == ["undecodable"]
