"""A reply recorded on its post's case: answering a complaint closes it; elsewhere it is the
first response; the response SLA escalates an unanswered complaint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.contracts.cases import (
    Case,
    CaseState,
    case_from_json,
    case_id_for,
    case_to_json,
    first_response_seconds,
    fold,
)
from services.contracts.events import CaseEvent, CaseEventKind, ReplyWritten, moderator_action
from services.escalation.domain.cases import handle, sla_breach
from services.escalation.domain.replies import on_reply
from services.policy.text import parse_policy

POLICY = parse_policy(
    """
id: q
version: "1"
queues:
  general: {priority: 3, sla_minutes: 60}
  feedback: {priority: 5, sla_minutes: 600, response_sla_minutes: 30, escalate_to: leads}
  leads: {priority: 2, sla_minutes: 120, response_sla_minutes: 60}
rules: []
""",
    "q.yaml",
)
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def opened(queue: str) -> Case:
    minutes = POLICY.queues[queue].due_minutes
    event = CaseEvent(
        occurred_at=T0, case_id=case_id_for("p1"), post_id="p1", tenant="t", author_id="a",
        kind=CaseEventKind.OPENED, queue=queue, actor="system", priority=5,
        sla_deadline=T0 + timedelta(minutes=minutes),
    )  # fmt: skip
    return fold(None, event)


def reply(minutes: float, by: str = "cm-1", **fields) -> ReplyWritten:
    base = {"reply_id": f"r-{minutes}-{by}", "tenant": "t", "post_id": "p1",
            "post_author_id": "a", "text": "Thanks, we are on it.", "author_role": "moderator",
            "written_by": by, "case_id": case_id_for("p1"),
            "occurred_at": T0 + timedelta(minutes=minutes)}  # fmt: skip
    return ReplyWritten(**(base | fields))


def test_a_complaint_is_due_by_its_response_sla():
    assert POLICY.queues["feedback"].complaints
    assert opened("feedback").sla_deadline == T0 + timedelta(minutes=30)
    assert opened("general").sla_deadline == T0 + timedelta(minutes=60)


def test_answering_a_complaint_closes_it_and_records_the_wait():
    case = opened("feedback")
    event = on_reply(case, reply(12), POLICY)
    assert event is not None and event.kind is CaseEventKind.ANSWERED
    assert event.action_id == "r-12-cm-1" and event.reason == "Thanks, we are on it."
    after = fold(case, event)
    assert after.state is CaseState.RESOLVED and after.answered and after.resolution is None
    assert after.sla_deadline is None
    assert first_response_seconds(after) == 12 * 60
    assert case_from_json(case_to_json(after)) == after


def test_a_reply_elsewhere_is_the_first_response_and_the_case_stays():
    case = opened("general")
    first = fold(case, on_reply(case, reply(5), POLICY))
    assert first.state is CaseState.OPEN and not first.answered
    assert first.sla_deadline == case.sla_deadline
    second = fold(first, on_reply(first, reply(40, "mod-2"), POLICY))
    assert first_response_seconds(second) == 5 * 60  # the first reply counts, once


def test_a_redelivered_reply_makes_the_same_event():
    case = opened("feedback")
    assert on_reply(case, reply(3), POLICY).event_id == on_reply(case, reply(3), POLICY).event_id


def test_replies_that_cannot_be_recorded():
    case = opened("feedback")
    assert on_reply(case, reply(1, case_id=None), POLICY) is None  # no case named
    assert on_reply(None, reply(1), POLICY) is None  # a case we never held
    other = on_reply(case, reply(1, tenant="other"), POLICY)
    assert other.kind is CaseEventKind.REJECTED and "no such case" in other.reason
    closed = fold(case, on_reply(case, reply(2), POLICY))
    again = on_reply(closed, reply(3), POLICY)
    assert again.kind is CaseEventKind.REJECTED and again.reason == "the case is resolved"
    claim = moderator_action(case_id=case.case_id, tenant="t", author_id="a",
                             moderator_id="mod-9", command="claim")  # fmt: skip
    held = fold(case, handle(case, claim, POLICY, T0))
    refused = on_reply(held, reply(4), POLICY)
    assert refused.kind is CaseEventKind.REJECTED and "held by mod-9" in refused.reason
    assert on_reply(held, reply(4, "mod-9"), POLICY).kind is CaseEventKind.ANSWERED


def test_an_unanswered_complaint_escalates_past_its_response_sla():
    case = opened("feedback")
    assert sla_breach(case, POLICY, T0 + timedelta(minutes=29)) is None
    breach = sla_breach(case, POLICY, T0 + timedelta(minutes=31))
    assert breach is not None and breach.queue == "leads"
    assert breach.reason.startswith("SLA breached: unanswered past")
    moved = fold(case, breach)
    # the leads' queue is a complaints queue too: due by its own response SLA
    assert moved.sla_deadline == T0 + timedelta(minutes=31 + 60)
    assert fold(moved, on_reply(moved, reply(50), POLICY)).answered


def test_an_answered_complaint_cannot_be_appealed():
    closed = fold(opened("feedback"), on_reply(opened("feedback"), reply(2), POLICY))
    appeal = moderator_action(case_id=closed.case_id, tenant="t", author_id="a",
                              moderator_id="mod-2", command="appeal")  # fmt: skip
    event = handle(closed, appeal, POLICY, T0)
    assert event.kind is CaseEventKind.REJECTED and "answered" in event.reason
