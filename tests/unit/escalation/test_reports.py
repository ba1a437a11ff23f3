"""Members' reports: the policy's conditions on them, which reports count, and what they do
to the post's case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.contracts.cases import Case, case_id_for, fold, queue_rank
from services.contracts.events import (
    CaseEventKind,
    ModelInfo,
    Post,
    PostReported,
    PostScored,
    ReporterFacts,
)
from services.escalation.domain.reports import Admission, Tally, admit, case_events_for
from services.policy.language import PostFacts, ReportFact, evaluate
from services.policy.text import PolicyError, parse_policy

POLICY = parse_policy(
    """
id: r
version: "1"
queues:
  general: {priority: 3, sla_minutes: 60}
  safety: {priority: 0, sla_minutes: 15}
reports: {per_reporter_per_day: 2}
rules:
  - {id: toxic, action: hold, clause: "G1", when: {scores: {toxicity: 0.9}}}
  - {id: many, action: escalate, queue: general, clause: "G2",
     when: {reports: {min_distinct_reporters: 3}}}
  - {id: trusted-threat, action: escalate, queue: safety, clause: "G3",
     when: {reports: {reasons: [threat], min_reporter_trust: 0.8}}}
""",
    "r.yaml",
)
T0 = datetime(2026, 12, 1, 12, tzinfo=UTC)


def scored(text: str = "you will see", toxicity: float = 0.1) -> PostScored:
    post = Post(post_id="p1", tenant="t", external_id="e1", author_id="a1", text=text)
    return PostScored(
        post=post, scores={"toxicity": toxicity}, model=ModelInfo(id="m", version="1")
    )


def report(reporter: str, reason: str = "harassment", trust: float | None = None, minute=0):
    return PostReported(
        report_id=f"r-{reporter}",
        post_id="p1",
        tenant="t",
        author_id="a1",
        reporter_id=reporter,
        reason_code=reason,
        reporter=ReporterFacts(trust=trust),
        occurred_at=T0 + timedelta(minutes=minute),
    )


def facts(*reports: ReportFact) -> PostFacts:
    return PostFacts(scores={"toxicity": 0.1}, reports=reports)


def test_rules_on_reports_never_match_a_post_nobody_reported() -> None:
    assert evaluate(facts(), POLICY).matched == ()


def test_distinct_reporters_count_not_reports() -> None:
    two = facts(ReportFact("u1", "spam"), ReportFact("u2", "spam"))
    assert "many" not in evaluate(two, POLICY).matched
    three = facts(ReportFact("u1", "spam"), ReportFact("u2", "spam"), ReportFact("u3", "hate"))
    verdict = evaluate(three, POLICY)
    assert verdict.matched == ("many",) and verdict.queue == "general"
    assert "3 reports (hate, spam) from 3 reporters" in verdict.reasons[0].detail


@pytest.mark.parametrize(
    ("reason", "trust", "matches"),
    [("threat", 0.9, True), ("threat", 0.5, False), ("threat", None, False), ("spam", 0.9, False)],
)
def test_reason_and_reporter_trust_filter_what_counts(reason, trust, matches) -> None:
    verdict = evaluate(facts(ReportFact("u1", reason, trust)), POLICY, only_reports=True)
    assert ("trusted-threat" in verdict.matched) is matches


def test_only_reports_leaves_the_score_rules_out() -> None:
    loud = PostFacts(scores={"toxicity": 0.99}, reports=(ReportFact("u1", "threat", 0.9),))
    assert evaluate(loud, POLICY, only_reports=True).matched == ("trusted-threat",)
    assert set(evaluate(loud, POLICY).matched) == {"toxic", "trusted-threat"}


def test_a_rule_on_reports_must_escalate() -> None:
    text = """
id: bad
version: "1"
rules:
  - {id: r, action: remove, clause: "G", when: {reports: {min_reports: 2}}}
"""
    with pytest.raises(PolicyError, match="must be `escalate`"):
        parse_policy(text, "bad.yaml")


def test_a_repeat_is_a_duplicate_and_the_daily_cap_holds() -> None:
    assert admit(Tally(), POLICY) is Admission.COUNTED
    assert admit(Tally(already_reported=True), POLICY) is Admission.DUPLICATE
    assert admit(Tally(reporter_today=1), POLICY) is Admission.COUNTED
    assert admit(Tally(reporter_today=2), POLICY) is Admission.CAPPED


def test_reports_below_the_threshold_open_nothing() -> None:
    first = report("u1")
    assert case_events_for(first, Tally(), None, scored(), POLICY, 0) == []
    second = report("u2", minute=1)
    assert case_events_for(second, Tally((first,)), None, scored(), POLICY, 0) == []


def test_the_third_reporter_opens_a_case_carrying_all_three_reports() -> None:
    earlier = (report("u1"), report("u2", minute=1))
    third = report("u3", minute=2)
    events = case_events_for(third, Tally(earlier), None, scored(), POLICY, 1)
    opened, *reported = events
    assert opened.kind is CaseEventKind.OPENED and opened.queue == "general"
    assert opened.reason == "reports: many" and opened.post.text == "you will see"
    assert opened.sla_deadline == third.occurred_at + timedelta(minutes=60)
    assert [e.kind for e in reported] == [CaseEventKind.REPORTED] * 3
    assert [e.report_count for e in reported] == [1, 2, 3]
    case = None
    for event in events:
        case = fold(case, event)
    assert case.reports == 3 and [r["reporter_id"] for r in case.recent_reports] == [
        "u1",
        "u2",
        "u3",
    ]


def test_a_report_on_an_open_case_counts_and_can_raise_its_priority() -> None:
    case = Case(
        case_id=case_id_for("p1"), post_id="p1", tenant="t", author_id="a1", community=None,
        queue="general", priority=3, sla_deadline=None, opened_at=T0,
    )  # fmt: skip
    plain = case_events_for(report("u1"), Tally(), case, scored(), POLICY, 0)
    assert [(e.kind, e.priority) for e in plain] == [(CaseEventKind.REPORTED, None)]
    threat = case_events_for(report("u9", "threat", 0.95), Tally(), case, scored(), POLICY, 0)
    folded = fold(case, threat[0])
    assert folded.priority == 0 and folded.reports == 1


def test_a_redelivered_report_changes_nothing_more() -> None:
    case = Case(
        case_id=case_id_for("p1"), post_id="p1", tenant="t", author_id="a1", community=None,
        queue="general", priority=3, sla_deadline=None, opened_at=T0,
    )  # fmt: skip
    [event] = case_events_for(report("u1"), Tally(), case, scored(), POLICY, 0)
    once = fold(case, event)
    assert fold(once, event) == once


def test_reported_cases_rank_ahead_of_automated_ones_of_the_same_priority() -> None:
    base = dict(post_id="p", tenant="t", author_id="a", community=None, queue="general",
                opened_at=T0)  # fmt: skip
    automated = Case(case_id="c1", priority=3, sla_deadline=T0, **base)
    reported = Case(
        case_id="c2", priority=3, sla_deadline=T0 + timedelta(days=1), reports=3, **base
    )
    urgent = Case(case_id="c3", priority=2, sla_deadline=T0 + timedelta(days=2), **base)
    order = sorted([automated, reported, urgent], key=queue_rank)
    assert [c.case_id for c in order] == ["c3", "c2", "c1"]


def test_a_post_no_longer_kept_cannot_open_a_case() -> None:
    earlier = (report("u1"), report("u2", minute=1))
    assert case_events_for(report("u3", minute=2), Tally(earlier), None, None, POLICY, 0) == []
