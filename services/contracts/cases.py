"""The case a stream of CaseEvents describes: the one reading of the case-events topic that
every consumer shares (escalation enforces commands against it, the desk shows it to
moderators). Pure.

Lifecycle: open -> claimed -> resolved -> (appealed -> claimed -> resolved on appeal). A
complaint (a case in a queue with a response SLA) may instead close as answered, by a reply.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from services.contracts.events import Action, CaseEvent, CaseEventKind, derived_id


class CaseState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Case:
    case_id: str
    post_id: str
    tenant: str
    author_id: str
    community: str | None
    queue: str
    priority: int
    sla_deadline: datetime | None
    opened_at: datetime
    state: CaseState = CaseState.OPEN
    assignee: str | None = None
    first_decider: str | None = None
    resolution: Action | None = None
    appealed: bool = False
    decision_revision: int = 0  # revision of the post's Decision this case last produced
    sla_breaches: int = 0
    external_id: str = ""
    text: str = ""  # the post as submitted, for the moderator
    scores: dict[str, float] = field(default_factory=dict)
    reports: int = 0  # community members' reports that count
    recent_reports: tuple[dict, ...] = ()  # the latest few: reporter, reason, words, when
    rules: tuple[str, ...] = ()  # the policy rules that opened it (automation under review)
    reply_to: str | None = None  # the conversation it is in, as the platform sent it
    thread_id: str | None = None
    aimed_at: tuple[str, ...] = ()  # the members the post replies to or mentions
    golden_id: str | None = None  # a copy of this golden case: scored, decides nothing
    first_response_at: datetime | None = None  # the first reply to its post from the desk
    answered: bool = False  # a complaint closed by a reply (no decision changed)

    @property
    def is_open(self) -> bool:
        return self.state is not CaseState.RESOLVED


def rules_of(reason: str) -> tuple[str, ...]:
    """The rule ids an opening names: "threat, toxic" or, opened by reports, "reports: ..."."""
    listed = reason.removeprefix("reports: ")
    return tuple(rule for rule in listed.split(", ") if rule)


def case_id_for(post_id: str) -> str:
    return derived_id("case", post_id)


def fold(case: Case | None, event: CaseEvent) -> Case | None:
    """The case after one event. Rejections and notes leave it as it was, and so does an
    opening of a case that is already open."""
    kind = event.kind
    if kind is CaseEventKind.OPENED and case is not None:
        return case  # a case opens once; a redelivered opening changes nothing
    if kind is CaseEventKind.OPENED:
        return Case(
            case_id=event.case_id,
            post_id=event.post_id,
            tenant=event.tenant,
            author_id=event.author_id,
            community=event.community,
            queue=event.queue,
            priority=event.priority if event.priority is not None else 5,
            sla_deadline=event.sla_deadline,
            opened_at=event.occurred_at,
            external_id=event.post.external_id if event.post else "",
            text=event.post.text if event.post else "",
            scores=dict(event.scores or {}),
            rules=rules_of(event.reason),
            reply_to=event.post.reply_to if event.post else None,
            thread_id=event.post.thread_id if event.post else None,
            aimed_at=tuple(sorted(event.post.aimed_at)) if event.post else (),
            golden_id=event.golden_id,
        )
    if case is None or kind in (CaseEventKind.REJECTED, CaseEventKind.NOTED):
        return case
    if kind in (CaseEventKind.ANSWERED, CaseEventKind.RESPONDED):
        return replied(case, event)
    if kind is CaseEventKind.REPORTED:
        return reported(case, event)
    if kind is CaseEventKind.CLAIMED:
        return replace(case, state=CaseState.CLAIMED, assignee=event.actor)
    if kind is CaseEventKind.UNCLAIMED:
        return replace(case, state=CaseState.OPEN, assignee=None)
    if kind is CaseEventKind.ESCALATED:
        breaches = case.sla_breaches + (1 if event.actor == "system" else 0)
        return replace(
            case,
            state=CaseState.OPEN,
            assignee=None,
            queue=event.queue,
            priority=event.priority if event.priority is not None else case.priority,
            sla_deadline=event.sla_deadline,
            sla_breaches=breaches,
        )
    if kind is CaseEventKind.RESOLVED:
        return replace(
            case,
            state=CaseState.RESOLVED,
            assignee=None,
            resolution=event.resolution,
            first_decider=case.first_decider or event.actor,
            decision_revision=case.decision_revision + 1,
            sla_deadline=None,
        )
    if kind is CaseEventKind.APPEALED:
        return replace(
            case,
            state=CaseState.OPEN,
            appealed=True,
            queue=event.queue,
            sla_deadline=event.sla_deadline,
        )
    return case


def replied(case: Case, event: CaseEvent) -> Case:
    """A reply to the case's post: the first one is its first response; answering a complaint
    closes it without a resolution (the post's decision stands). A responded case keeps its
    state and deadline."""
    first = case.first_response_at or event.occurred_at
    if event.kind is CaseEventKind.ANSWERED:
        return replace(
            case, state=CaseState.RESOLVED, assignee=None, answered=True,
            first_response_at=first, first_decider=case.first_decider or event.actor,
            sla_deadline=None,
        )  # fmt: skip
    return replace(case, first_response_at=first)


def first_response_seconds(case: Case) -> float | None:
    """How long the member waited for the first reply, once there was one."""
    if case.first_response_at is None:
        return None
    return max(0.0, (case.first_response_at - case.opened_at).total_seconds())


RECENT_REPORTS = 10


def reported(case: Case, event: CaseEvent) -> Case:
    """A report counted on the case. Idempotent: the count is the one the event carries, and
    a report already listed is not listed twice. A more urgent priority applies while open."""
    report = event.report
    recent = case.recent_reports
    if report is not None and all(r["report_id"] != report.report_id for r in recent):
        entry = {
            "report_id": report.report_id,
            "reporter_id": report.reporter_id,
            "reason_code": report.reason_code,
            "text": report.text,
            "reported_at": report.occurred_at.isoformat(),
        }
        recent = (*recent, entry)[-RECENT_REPORTS:]
    priority = case.priority
    if event.priority is not None and case.is_open:
        priority = min(priority, event.priority)
    count = max(case.reports, event.report_count or case.reports + 1)
    return replace(case, reports=count, recent_reports=recent, priority=priority)


FAR_FUTURE = 10**11  # seconds: sorts cases without a deadline after every real one
REPORTED_FIRST = 5 * 10**11  # within a priority, cases members reported come before the rest


def queue_rank(case: Case) -> float:
    """Where a case stands in its queue: priority first (0 is the most urgent), then cases
    community members reported ahead of automated holds, then the earliest SLA deadline."""
    deadline = case.sla_deadline.timestamp() if case.sla_deadline else FAR_FUTURE
    return case.priority * 1e12 + (0 if case.reports else REPORTED_FIRST) + deadline


DATES = ("sla_deadline", "opened_at", "first_response_at")


def case_to_json(case: Case) -> str:
    data = asdict(case)
    for name in DATES:
        data[name] = data[name].isoformat() if data[name] else None
    return json.dumps(data, sort_keys=True)


def case_from_json(raw: str) -> Case:
    data = json.loads(raw)
    for name in DATES:
        data[name] = datetime.fromisoformat(data[name]) if data.get(name) else None
    data["state"] = CaseState(data["state"])
    data["resolution"] = Action(data["resolution"]) if data["resolution"] else None
    data["recent_reports"] = tuple(data.get("recent_reports") or ())
    data["rules"] = tuple(data.get("rules") or ())
    data["aimed_at"] = tuple(data.get("aimed_at") or ())
    return Case(**data)
