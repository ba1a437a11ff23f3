"""Strikes, sanctions and the statement of reasons built from a verdict."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.contracts.events import Action, ModelInfo, Post, PostScored, SanctionKind
from services.escalation.domain.decisions import Governance, automated_outcome, decided
from services.escalation.domain.statement import automated_statement
from services.escalation.domain.strikes import StrikeTally, sanction_for
from services.policy.language import PostFacts, Strikes, evaluate
from services.policy.text import parse_policy

POLICY = parse_policy(
    """
id: s
version: "7"
appeal_days: 10
queues: {general: {sla_minutes: 60}}
strikes:
  window_days: 30
  ladder:
    - {at: 2, sanction: warn}
    - {at: 4, sanction: mute, duration_hours: 24}
    - {at: 6, sanction: ban}
rules:
  - {id: toxic, action: label, clause: "G1 civility", when: {scores: {toxicity: 0.7}}}
  - {id: severe, action: remove, clause: "G2 abuse", strikes: 2, when: {scores: {severe_toxicity: 0.8}}}
  - {id: review, action: hold, clause: "G3 review", strikes: 1, when: {scores: {toxicity: 0.9}}}
""",
    "s.yaml",
)
LADDER = POLICY.strikes


@pytest.mark.parametrize(
    ("before", "after", "sanction"),
    [
        (0, 1, None),
        (1, 2, "warn"),
        (2, 3, None),
        (3, 4, "mute"),
        (1, 4, "mute"),
        (5, 9, "ban"),
        (7, 8, None),
    ],
)
def test_sanction_is_the_most_severe_step_crossed(
    before: int, after: int, sanction: str | None
) -> None:
    step = sanction_for(before, after, LADDER)
    assert (step.sanction.value if step else None) == sanction


def test_no_ladder_no_sanction() -> None:
    assert sanction_for(0, 100, Strikes()) is None


def scored(scores: dict[str, float]) -> PostScored:
    post = Post(post_id="p1", tenant="t", external_id="e", author_id="a", text="x", community="c")
    return PostScored(post=post, scores=scores, model=ModelInfo(id="m", version="1"))


def test_a_removal_adds_strikes_and_crosses_into_a_sanction() -> None:
    event = scored({"severe_toxicity": 0.9})
    outcome = automated_outcome(
        event, evaluate(PostFacts(scores=event.scores), POLICY), POLICY, strikes_before=3
    )
    assert outcome.decision.action is Action.REMOVE
    assert outcome.strike.weight == 2 and outcome.strike.strike_id == outcome.decision.event_id
    assert outcome.sanction.sanction is SanctionKind.MUTE and outcome.sanction.strikes == 5
    statement = outcome.decision.statement
    assert statement.restriction.account == "muted" and statement.restriction.duration_hours == 24


def test_outcome_is_the_same_when_recomputed() -> None:
    event = scored({"severe_toxicity": 0.9})
    verdict = evaluate(PostFacts(scores=event.scores), POLICY)
    first, again = (automated_outcome(event, verdict, POLICY, 1) for _ in range(2))
    assert first.decision.event_id == again.decision.event_id
    assert first.strike.event_id == again.strike.event_id
    assert first.sanction.event_id == again.sanction.event_id


def test_allow_has_no_statement_and_no_strike() -> None:
    event = scored({"toxicity": 0.1})
    outcome = automated_outcome(event, evaluate(PostFacts(scores=event.scores), POLICY), POLICY, 0)
    assert (
        outcome.decision.statement is None and outcome.strike is None and outcome.sanction is None
    )


def test_statement_of_reasons_has_the_article_17_fields() -> None:
    decided = datetime(2026, 11, 22, tzinfo=UTC)
    verdict = evaluate(PostFacts(scores={"toxicity": 0.95}), POLICY)
    statement = automated_statement(verdict, {"toxicity": 0.95}, POLICY, decided)
    assert statement.restriction.visibility == "held" and statement.restriction.account is None
    assert statement.automated_detection is True
    assert statement.automation == "partly_automated"  # a moderator reviews held posts
    assert statement.ground == "s v7: G3 review"
    assert statement.appeal_deadline == decided + timedelta(days=10)
    assert "appeal within 10 days" in statement.redress
    assert statement.facts[0] == "automated scores: toxicity 0.95"
    assert any(
        fact.startswith("rule review (hold): toxicity 0.95 >= 0.90") for fact in statement.facts
    )


def test_a_label_is_fully_automated() -> None:
    verdict = evaluate(PostFacts(scores={"toxicity": 0.75}), POLICY)
    statement = automated_statement(verdict, {"toxicity": 0.75}, POLICY, datetime.now(UTC))
    assert (statement.restriction.visibility, statement.automation) == (
        "labelled",
        "fully_automated",
    )


def test_a_held_post_opens_a_case_carrying_the_post_and_its_scores() -> None:
    event = scored({"toxicity": 0.95})
    outcome = automated_outcome(event, evaluate(PostFacts(scores=event.scores), POLICY), POLICY, 0)
    assert outcome.case is not None and outcome.case.queue == "general"
    assert outcome.case.post == event.post and outcome.case.scores == {"toxicity": 0.95}


def test_a_post_is_judged_with_the_strikes_of_the_posts_before_it_in_the_batch() -> None:
    tally, now = StrikeTally(), datetime.now(UTC).timestamp()
    governance = Governance(policy=POLICY, shadow=None, crisis=False)
    first = decided(scored({"severe_toxicity": 0.9}), governance, tally, now)
    again = scored({"severe_toxicity": 0.9})
    again = again.model_copy(update={"post": again.post.model_copy(update={"post_id": "p2"})})
    second = decided(again, governance, tally, now)
    assert first.sanction is not None and first.sanction.sanction is SanctionKind.WARN
    assert second.sanction is not None and second.sanction.sanction is SanctionKind.MUTE
    assert second.sanction.strikes == 4  # the first post's 2 strikes, then its own 2


def test_a_shadow_policy_is_recorded_beside_the_decision_and_never_acted_on() -> None:
    lenient = parse_policy('id: l\nversion: "1"\nrules: []\n', "l.yaml")
    governance = Governance(policy=POLICY, shadow=lenient, crisis=False)
    outcome = decided(scored({"toxicity": 0.95}), governance, StrikeTally(), 0.0)
    assert outcome.decision.action is Action.HOLD
    assert outcome.shadow is not None and outcome.shadow.action is Action.ALLOW
