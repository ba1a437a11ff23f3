"""A candidate policy replayed on scored posts: changes, per-rule precision and recall against
moderators' calls, and the cases a day it would open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.contracts.events import ModelInfo, Post, PostScored
from services.policy.backtest import backtest, judge_again
from services.policy.text import parse_policy
from tests.unit.escalation.test_policy import POLICY

STRICTER = parse_policy(
    """
id: strict
version: "1"
queues: {general: {priority: 3, sla_minutes: 60}}
rules:
  - {id: hold-toxic, action: hold, clause: c, when: {scores: {toxicity: 0.6}}}
""",
    "strict.yaml",
)
T0 = datetime(2026, 12, 1, tzinfo=UTC)


def scored(n: int, toxicity: float, hours: float) -> PostScored:
    post = Post(post_id=f"p{n}", tenant="acme", external_id=str(n), author_id="u", text="t")
    return PostScored(post=post, scores={"toxicity": toxicity}, model=ModelInfo(id="m", version="1"),
                      occurred_at=T0 + timedelta(hours=hours))  # fmt: skip


HISTORY = [scored(0, 0.95, 0), scored(1, 0.65, 12), scored(2, 0.62, 24), scored(3, 0.1, 48)]
CALLS = {"p0": True, "p1": True, "p2": False}  # p3 was never reviewed


def test_the_decisions_that_change_and_the_cases_a_day() -> None:
    found = backtest(HISTORY, STRICTER, judge_again(lambda tenant, community: POLICY), CALLS).view()
    assert found["posts"] == 4 and found["days"] == 2.0
    assert found["transitions"] == {"allow -> hold": 2}
    assert found["cases_per_day"]["candidate"] == {"general": 1.5}
    assert found["cases_per_day"]["active"] == {"general": 0.5}  # only p0 is held today
    assert [e["post_id"] for e in found["examples"]] == ["p1", "p2"]


def test_precision_and_recall_per_rule_against_moderators_calls() -> None:
    found = backtest(HISTORY, STRICTER, judge_again(lambda tenant, community: POLICY), CALLS).view()
    hold = found["rules"]["candidate"]["hold-toxic"]
    assert (hold["matched"], hold["precision"], hold["recall"]) == (3, 0.6667, 1.0)
    active = found["rules"]["active"]["hold-very-toxic"]
    assert (active["precision"], active["recall"]) == (1.0, 0.5)  # p1 was missed
    assert "feedback" not in found["rules"]["active"]  # routing rules are not scored
