"""Validation of policy files: golden error messages with file and line."""

from __future__ import annotations

import pytest

from services.policy.text import PolicyError, parse_policy

HEAD = "id: x\nversion: '1'\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "rules:\n  - id: r\n    action: remove\n    clause: c\n    whn: {scores: {toxicity: 0.5}}\n",
            "p.yaml:4: rules.0.when: Field required",
        ),
        (
            "rules:\n  - id: r\n    action: remove\n    clause: c\n    when: {scores: {toxcity: 0.5}}\n",
            "p.yaml:7: rules.0.when.scores: Value error, unknown labels ['toxcity']",
        ),
        (
            "rules:\n  - id: r\n    action: nuke\n    clause: c\n    when: {}\n",
            "p.yaml:5: rules.0.action: Input should be 'allow', 'label', 'hold', 'remove' or 'escalate'",
        ),
        (
            "rules:\n  - id: r\n    action: remove\n    when: {scores: {toxicity: 0.5}}\n",
            "p.yaml:4: rules.0: Value error, a restrictive rule needs a `clause` for the statement of reasons",
        ),
        (
            "rules:\n  - id: r\n    action: label\n    clause: c\n    when: {below: {toxicity: 0.5}}\n",
            "p.yaml:4: rules.0: Value error, `below` is only allowed on allow rules (routing without restriction)",
        ),
        (
            "queues: {general: {sla_minutes: 5}}\nrules:\n  - {id: r, action: hold, clause: c, queue: nowhere, when: {}}\n",
            "p.yaml:1: policy: Value error, queues used but not defined: ['nowhere']",
        ),
        ("rules: [\n", "p.yaml:4: not valid YAML"),
    ],
)
def test_errors_name_file_line_and_reason(body: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(HEAD + body, "p.yaml")
    assert str(caught.value).startswith(message), str(caught.value)


def test_unknown_top_level_keys_are_rejected() -> None:
    with pytest.raises(PolicyError, match="colour: Extra inputs are not permitted"):
        parse_policy(HEAD + "colour: red\nrules: []\n", "p.yaml")


def test_a_policy_must_be_a_mapping() -> None:
    with pytest.raises(PolicyError, match="a policy is a YAML mapping"):
        parse_policy("- just\n- a list\n", "p.yaml")
