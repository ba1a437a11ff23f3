from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.contracts.events import Action
from services.escalation.config import REPO_POLICIES
from services.escalation.domain.policy import Policy, Rule, evaluate, load_policy

POLICY = Policy(
    id="p",
    version="3",
    rules=(
        Rule(id="label-toxic", action=Action.LABEL, when={"toxicity": 0.7}),
        Rule(id="hold-very-toxic", action=Action.HOLD, when={"toxicity": 0.9}),
        Rule(id="threat", action=Action.ESCALATE, when={"threat": 0.6}),
        Rule(id="both", action=Action.REMOVE, when={"toxicity": 0.8, "insult": 0.8}),
    ),
)


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
    verdict = evaluate(scores, POLICY)
    assert verdict.action is action
    assert [r.rule for r in verdict.reasons] == rules


def test_a_label_the_model_did_not_score_never_matches() -> None:
    assert evaluate({"insult": 0.99}, POLICY).action is Action.ALLOW


def test_reasons_carry_the_facts() -> None:
    verdict = evaluate({"toxicity": 0.75}, POLICY)
    assert verdict.reasons[0].detail == "toxicity 0.75 >= 0.70"


def test_shipped_default_policy_loads() -> None:
    policy = load_policy(REPO_POLICIES / "default.yaml")
    assert policy.ref.id == "default"
    assert evaluate({"toxicity": 0.05, "insult": 0.02}, policy).action is Action.ALLOW


def test_unknown_rule_keys_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: x\nversion: '1'\nrules:\n  - id: r\n    action: remove\n    whn: {toxicity: 0.5}\n"
    )
    with pytest.raises(ValidationError, match="whn"):
        load_policy(path)


def test_unknown_labels_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: x\nversion: '1'\nrules:\n  - id: r\n    action: remove\n    when: {toxcity: 0.5}\n"
    )
    with pytest.raises(ValueError, match="toxcity"):
        load_policy(path)
