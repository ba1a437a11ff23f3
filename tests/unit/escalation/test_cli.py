"""The `policy` CLI on the shipped example policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.escalation.cli import main
from services.escalation.config import REPO_POLICIES

EXAMPLES = REPO_POLICIES.parent / "policy-examples"


def test_check_accepts_the_shipped_policies(capsys: pytest.CaptureFixture) -> None:
    for path in (REPO_POLICIES / "default.yaml", EXAMPLES / "crisis-candidate.yaml"):
        assert main(["check", str(path)]) == 0
    assert "ok: " in capsys.readouterr().out


def test_check_rejects_a_bad_file_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\nrules:\n  - {id: r, action: nuke, clause: c, when: {}}\n")
    assert main(["check", str(bad)]) == 1
    assert f"invalid: {bad}:4: rules.0.action" in capsys.readouterr().err


def test_dry_run_prints_decisions_and_a_summary_with_the_diff(
    capsys: pytest.CaptureFixture,
) -> None:
    code = main(
        [
            "dry-run",
            str(EXAMPLES / "crisis-candidate.yaml"),
            "--input",
            str(EXAMPLES / "posts.jsonl"),
        ]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    decisions, summary = lines[:-1], lines[-1]["summary"]
    assert len(decisions) == 6
    assert decisions[1]["action"] == "allow" and decisions[1]["queue"] == "feedback"
    assert summary["actions"] == {"allow": 2, "escalate": 1, "hold": 3}
    assert summary["changed_vs_active"] == {"label -> hold": 1}  # crisis mode in 'elections'


def test_a_report_over_a_period_that_is_not_one_says_so(capsys) -> None:
    assert main(["agreement", "--since", "yesterday"]) == 2
    assert "neither an ISO 8601 instant nor a time ago" in capsys.readouterr().err
