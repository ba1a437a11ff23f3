"""Moderators' agreement with automation: what a resolution says of the rules that opened the
case, and the rates per rule and label."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from services.contracts.cases import Case, CaseState, rules_of
from services.contracts.events import Action
from services.escalation.domain.agreement import Kind, Outcome, agreement, review_of
from tests.unit.escalation.test_policy import POLICY

OPEN = Case(
    case_id="c", post_id="p", tenant="acme", author_id="u", community=None, queue="general",
    priority=3, sla_deadline=None, opened_at=datetime(2026, 12, 2, tzinfo=UTC),
    rules=("hold-very-toxic", "label-toxic"),
)  # fmt: skip


def resolved(case: Case, action: Action, appealed: bool = False) -> Case:
    return replace(case, state=CaseState.RESOLVED, resolution=action, appealed=appealed)


def test_the_rules_of_an_opening_are_read_from_its_reason() -> None:
    assert rules_of("threat, toxic") == ("threat", "toxic")
    assert rules_of("reports: reported-by-members") == ("reported-by-members",)
    assert rules_of("") == ()


def test_a_removal_upholds_every_rule_that_opened_the_case_and_their_labels() -> None:
    review = review_of(OPEN, resolved(OPEN, Action.REMOVE), POLICY)
    assert review is not None
    assert (review.kind, review.outcome) == (Kind.REVIEW, Outcome.UPHELD)
    assert review.rules == ("hold-very-toxic", "label-toxic") and review.labels == ("toxicity",)


def test_an_approval_overturns_automation() -> None:
    review = review_of(OPEN, resolved(OPEN, Action.ALLOW), POLICY)
    assert review is not None and review.outcome is Outcome.OVERTURNED


def test_an_appeal_that_allows_the_post_overturns_and_one_that_keeps_it_upholds() -> None:
    first = resolved(OPEN, Action.REMOVE)
    appealed = replace(first, state=CaseState.OPEN, appealed=True)
    overturned = review_of(appealed, resolved(first, Action.ALLOW, appealed=True), POLICY)
    kept = review_of(appealed, resolved(first, Action.REMOVE, appealed=True), POLICY)
    assert overturned is not None and (overturned.kind, overturned.outcome) == (
        Kind.APPEAL, Outcome.OVERTURNED)  # fmt: skip
    assert kept is not None and kept.outcome is Outcome.UPHELD


def test_routed_feedback_and_cases_no_rule_opened_are_no_review() -> None:
    routed = replace(OPEN, rules=("feedback",))
    assert review_of(routed, resolved(routed, Action.ALLOW), POLICY) is None
    untraced = replace(OPEN, rules=())
    assert review_of(untraced, resolved(untraced, Action.REMOVE), POLICY) is None


def test_rates_per_rule_and_label() -> None:
    upheld = review_of(OPEN, resolved(OPEN, Action.REMOVE), POLICY)
    overturned = review_of(OPEN, resolved(OPEN, Action.ALLOW), POLICY)
    threat = replace(OPEN, rules=("threat",))
    appeal = review_of(
        replace(resolved(threat, Action.REMOVE), appealed=True),
        resolved(threat, Action.ALLOW, appealed=True),
        POLICY,
    )
    reviews = [r for r in (upheld, upheld, upheld, overturned, appeal) if r is not None]
    rows = {(row["by"], row["name"]): row for row in agreement(reviews).table()}
    assert rows[("rule", "hold-very-toxic")]["precision"] == 0.75
    assert rows[("rule", "hold-very-toxic")]["reviewed"] == 4
    assert rows[("label", "toxicity")]["precision"] == 0.75
    assert rows[("rule", "threat")]["overturn_rate"] == 1.0
    assert rows[("rule", "threat")]["precision"] is None  # never reviewed before its appeal
