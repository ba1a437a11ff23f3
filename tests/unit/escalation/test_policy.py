"""Table tests for the policy engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.contracts.events import Action, AuthorFacts
from services.escalation.config import REPO_POLICIES
from services.policy.language import PostFacts, evaluate
from services.policy.text import parse_policy

POLICY = parse_policy(
    """
id: p
version: "3"
queues:
  general: {priority: 3, sla_minutes: 60}
  safety: {priority: 0, sla_minutes: 15}
  feedback: {priority: 5, sla_minutes: 999}
terms: {deny: [badword, "two words"], allow: [scunthorpe]}
crisis: {communities: [elections], factor: 0.5}
rules:
  - {id: label-toxic, action: label, clause: c1, when: {scores: {toxicity: 0.7}}}
  - {id: hold-very-toxic, action: hold, clause: c2, strikes: 1, when: {scores: {toxicity: 0.9}}}
  - {id: threat, action: escalate, clause: c3, queue: safety, strikes: 2, when: {scores: {threat: 0.6}}}
  - {id: both, action: remove, clause: c4, when: {scores: {toxicity: 0.8, insult: 0.8}}}
  - {id: repeat, action: hold, clause: c5, when: {scores: {toxicity: 0.5}, min_strikes: 3}}
  - {id: newbie, action: hold, clause: c6, when: {scores: {insult: 0.5}, author: {max_account_age_days: 2}}}
  - {id: words, action: hold, clause: c7, when: {deny_terms: true}}
  - {id: only-in-gaming, action: label, clause: c8, when: {scores: {obscene: 0.3}, communities: [gaming]}}
  - {id: feedback, action: allow, queue: feedback, when: {below: {toxicity: 0.7}, any_words: [refund]}}
""",
    "table.yaml",
)


def verdict(**facts):
    return evaluate(PostFacts(**facts), POLICY)


@pytest.mark.parametrize(
    ("scores", "action", "rules"),
    [
        ({"toxicity": 0.1}, Action.ALLOW, []),
        ({"toxicity": 0.7}, Action.LABEL, ["label-toxic"]),
        ({"toxicity": 0.95}, Action.HOLD, ["hold-very-toxic", "label-toxic"]),
        ({"toxicity": 0.85, "insult": 0.9}, Action.REMOVE, ["both", "label-toxic"]),
        (
            {"toxicity": 0.95, "insult": 0.9, "threat": 0.7},
            Action.ESCALATE,
            ["threat", "both", "hold-very-toxic", "label-toxic"],
        ),
        ({"toxicity": 0.85, "insult": 0.5}, Action.LABEL, ["label-toxic"]),
    ],
)
def test_most_severe_matching_rule_wins_and_all_matches_are_reasons(scores, action, rules) -> None:
    result = verdict(scores=scores)
    assert result.action is action
    assert [r.rule for r in result.reasons] == rules


def test_a_label_the_model_did_not_score_never_matches() -> None:
    assert verdict(scores={"insult": 0.99}).action is Action.ALLOW


def test_reasons_carry_the_facts() -> None:
    assert verdict(scores={"toxicity": 0.75}).reasons[0].detail == "toxicity 0.75 >= 0.70"


def test_escalate_opens_a_case_in_the_rules_queue_with_its_sla() -> None:
    result = verdict(scores={"threat": 0.9})
    assert (result.queue, result.priority, result.sla_minutes, result.strikes) == (
        "safety",
        0,
        15,
        2,
    )


def test_hold_without_a_queue_goes_to_the_default_queue() -> None:
    result = verdict(scores={"toxicity": 0.95})
    assert (result.queue, result.priority, result.sla_minutes) == ("general", 3, 60)


def test_label_opens_no_case() -> None:
    assert verdict(scores={"toxicity": 0.75}).queue is None


def test_strike_count_condition() -> None:
    assert verdict(scores={"toxicity": 0.6}, strikes=2).action is Action.ALLOW
    assert verdict(scores={"toxicity": 0.6}, strikes=3).action is Action.HOLD


@pytest.mark.parametrize(
    ("author", "action"),
    [
        (AuthorFacts(account_age_days=1), Action.HOLD),
        (AuthorFacts(account_age_days=30), Action.ALLOW),
        (AuthorFacts(), Action.ALLOW),  # unknown age never counts as new
        (None, Action.ALLOW),
    ],
)
def test_author_facts_condition(author, action) -> None:
    assert verdict(scores={"insult": 0.6}, author=author).action is action


def test_community_condition() -> None:
    assert verdict(scores={"obscene": 0.4}, community="gaming").action is Action.LABEL
    assert verdict(scores={"obscene": 0.4}, community="books").action is Action.ALLOW


def test_deny_terms_match_whole_words_on_the_normalized_text() -> None:
    assert verdict(scores={}, text="what a badword that was").action is Action.HOLD
    assert verdict(scores={}, text="use TWO   words here").action is Action.HOLD
    assert verdict(scores={}, text="badwords are plural").action is Action.ALLOW


def test_allow_terms_mask_deny_terms_inside_them() -> None:
    policy = parse_policy(
        "id: t\nversion: '1'\nterms: {deny: [cunt], allow: [scunthorpe]}\n"
        "rules: [{id: w, action: hold, clause: c, when: {deny_terms: true}}]\n"
    )
    assert (
        evaluate(PostFacts(scores={}, text="Scunthorpe United won"), policy).action is Action.ALLOW
    )


def test_crisis_mode_tightens_thresholds() -> None:
    assert verdict(scores={"toxicity": 0.4}, community="elections").action is Action.LABEL
    assert verdict(scores={"toxicity": 0.4}, community="general").action is Action.ALLOW
    assert (
        "(crisis mode)"
        in verdict(scores={"toxicity": 0.4}, community="elections").reasons[0].detail
    )


def test_civil_feedback_is_allowed_but_routed() -> None:
    result = verdict(scores={"toxicity": 0.2}, text="I want a refund")
    assert (result.action, result.queue) == (Action.ALLOW, "feedback")
    assert verdict(scores={"toxicity": 0.75}, text="I want a refund").queue is None  # not civil


# The shipped default policy: negativity handled early, civil criticism never silenced.
DEFAULT = parse_policy((REPO_POLICIES / "default.yaml").read_text(), "default.yaml")


@pytest.mark.parametrize(
    "text",
    ["This update is terrible, I want a refund.", "The app crashes every time, worst release yet."],
)
def test_default_policy_keeps_civil_criticism_up_and_routes_it_to_feedback(text: str) -> None:
    result = evaluate(PostFacts(scores={"toxicity": 0.4, "insult": 0.1}, text=text), DEFAULT)
    assert result.action is Action.ALLOW and result.queue == "feedback"


def test_default_policy_escalates_threats_to_safety() -> None:
    result = evaluate(PostFacts(scores={"threat": 0.9, "toxicity": 0.9}), DEFAULT)
    assert (result.action, result.queue) == (Action.ESCALATE, "safety")


def test_every_shipped_policy_file_is_valid() -> None:
    for path in Path(REPO_POLICIES).rglob("*.yaml"):
        parse_policy(path.read_text(), path.name)
