"""From outcomes and answers to messages and writes: what is published, in which order, with
which keys, and what state follows."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts import topics
from services.contracts.cases import fold
from services.contracts.events import (
    CaseEventKind,
    ModelInfo,
    ModeratorAction,
    Post,
    PostScored,
    moderator_action,
)
from services.escalation.domain import effects
from services.escalation.domain.cases import handle
from services.escalation.domain.decisions import automated_outcome
from services.policy.language import PostFacts, evaluate
from tests.unit.escalation.test_outcomes import POLICY

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def scored(external_id: str, scores: dict[str, float], author: str = "u-1") -> PostScored:
    post = Post(post_id=f"p-{external_id}", tenant="acme", external_id=external_id,
                author_id=author, text="t")  # fmt: skip
    return PostScored(post=post, scores=scores, model=ModelInfo(id="m", version="1"))


def outcome(event: PostScored, strikes_before: int = 0):
    verdict = evaluate(PostFacts(scores=event.scores, text="t", strikes=strikes_before), POLICY)
    return automated_outcome(event, verdict, POLICY, strikes_before)


def test_an_allowed_post_is_one_decision_and_marked_decided() -> None:
    done = effects.of_outcomes([outcome(scored("a", {"toxicity": 0.01}))])
    assert [m.topic for m in done.messages] == [topics.DECISIONS]
    assert done.decided == ("p-a",) and done.case_events == ()


def test_a_held_post_with_a_strike_and_a_sanction_publishes_each_keyed_by_its_author() -> None:
    # 1 strike before + 1 for the held post crosses the ladder's warn step at 2
    held = outcome(scored("b", {"toxicity": 0.95}, "u-9"), 1)
    done = effects.of_outcomes([held])
    assert [m.topic for m in done.messages] == [
        topics.DECISIONS, topics.STRIKES, topics.SANCTIONS, topics.CASE_EVENTS,
    ]  # fmt: skip
    assert {m.key for m in done.messages} == {b"acme:u-9"}
    assert done.case_events == (held.case,) and held.case.author_strikes == 1
    assert held.strike.window_days == POLICY.strikes.window_days


def test_a_batch_keeps_the_order_of_its_outcomes() -> None:
    batch = [outcome(scored(n, {"toxicity": 0.01}, f"u-{n}")) for n in "xyz"]
    assert effects.of_outcomes(batch).decided == ("p-x", "p-y", "p-z")


def _command(verb: str, moderator: str = "mo", **arguments) -> ModeratorAction:
    case_event = outcome(scored("c", {"toxicity": 0.95})).case
    return moderator_action(case_id=case_event.case_id, tenant="acme", author_id="u-1",
                           moderator_id=moderator, command=verb,
                            **({"arguments": arguments} if arguments else {}))  # fmt: skip


def test_an_answer_is_published_before_the_decision_it_causes_and_recorded() -> None:
    case = fold(None, outcome(scored("c", {"toxicity": 0.95})).case)
    claimed = fold(case, handle(case, _command("claim"), POLICY, NOW))
    command = _command("remove")
    answer = handle(claimed, command, POLICY, NOW)
    after = fold(claimed, answer)
    done = effects.of_answer(command.action_id, claimed, answer, after, decision=None)
    assert [m.topic for m in done.messages] == [topics.CASE_EVENTS]
    assert done.cases == ((claimed, after),)
    assert done.answered == ((command.action_id, answer),)


def test_a_rejection_changes_no_case_but_is_still_the_answer() -> None:
    case = fold(None, outcome(scored("c", {"toxicity": 0.95})).case)
    command = _command("remove")  # not claimed first
    answer = handle(case, command, POLICY, NOW)
    assert answer.kind is CaseEventKind.REJECTED
    done = effects.of_answer(command.action_id, case, answer, fold(case, answer))
    assert done.cases == () and done.answered == ((command.action_id, answer),)
    assert [m.topic for m in done.messages] == [topics.CASE_EVENTS]
