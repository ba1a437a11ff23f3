"""Community members' reports: which count, and what they do to the post's case. Pure.

- One report per (post, reporter); a repeat is ignored.
- A reporter files at most `reports.per_reporter_per_day` counted reports a day (UTC); the
  rest are ignored, so one account cannot flood the queues.
- A reporter a moderator muted (their reports consistently rejected) is never counted.
- A counted report lands on the post's case when there is one (a more urgent priority from a
  rule on reports applies while it is open). Without a case, the policy's rules on reports
  decide whether the reports so far open one: a post the model allowed can still reach a
  moderator. Reports never change the decision by themselves; the moderator does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.contracts.cases import Case, case_id_for
from services.contracts.events import (
    CaseEvent,
    CaseEventKind,
    PostReported,
    PostScored,
    derived_id,
)
from services.escalation.domain.decisions import case_opened
from services.policy.language import Policy, PostFacts, ReportFact, evaluate


class Admission(StrEnum):
    COUNTED = "counted"
    DUPLICATE = "duplicate"
    CAPPED = "capped"
    MUTED = "muted"  # a moderator muted the reporter: recorded, never counted


@dataclass(frozen=True)
class Tally:
    """What is known of the post's reports before this one arrived."""

    counted: tuple[PostReported, ...] = ()
    already_reported: bool = False  # this reporter reported this post before
    reporter_today: int = 0  # counted reports this reporter filed that day
    reporter_muted: bool = False  # a moderator muted this reporter


def admit(tally: Tally, policy: Policy) -> Admission:
    if tally.already_reported:
        return Admission.DUPLICATE
    if tally.reporter_muted:
        return Admission.MUTED
    if tally.reporter_today >= policy.reports.per_reporter_per_day:
        return Admission.CAPPED
    return Admission.COUNTED


def facts_of(scored: PostScored, strikes: int, reports: tuple[PostReported, ...]) -> PostFacts:
    post = scored.post
    return PostFacts(
        scores=scored.scores,
        text=scored.normalized_text or post.text,
        community=post.community,
        author=post.author,
        strikes=strikes,
        reports=tuple(ReportFact(r.reporter_id, r.reason_code, r.reporter.trust) for r in reports),
        language=scored.language_code,
        unscored=scored.unscored,
    )


def reported_event(report: PostReported, case_id: str, queue: str, count: int, priority):
    return CaseEvent(
        event_id=derived_id("case-reported", report.report_id),
        occurred_at=report.occurred_at,
        case_id=case_id,
        post_id=report.post_id,
        tenant=report.tenant,
        author_id=report.author_id,
        kind=CaseEventKind.REPORTED,
        queue=queue,
        actor=f"reporter:{report.reporter_id}",
        reason=report.reason_code,
        priority=priority,
        report=report,
        report_count=count,
    )


def case_events_for(
    report: PostReported,
    tally: Tally,
    case: Case | None,
    scored: PostScored | None,
    policy: Policy,
    strikes: int,
) -> list[CaseEvent]:
    """The case events a counted report causes (none when it changes nothing)."""
    counted = (*tally.counted, report)
    verdict = (
        evaluate(facts_of(scored, strikes, counted), policy, only_reports=True)
        if scored is not None
        else None
    )
    matched = verdict is not None and bool(verdict.matched)
    if case is not None:
        priority = verdict.priority if matched and verdict else None
        return [reported_event(report, case.case_id, case.queue, len(counted), priority)]
    if not matched or scored is None or verdict is None:
        return []
    opened = case_opened(scored, verdict, policy, report.occurred_at, strikes)
    if opened is None:
        return []
    opened = opened.model_copy(update={"reason": "reports: " + opened.reason})
    case_id = case_id_for(report.post_id)
    return [opened] + [
        reported_event(r, case_id, opened.queue, i + 1, None) for i, r in enumerate(counted)
    ]
