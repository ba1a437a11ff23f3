"""A reply from the desk, recorded on the case of the post it answers. Pure.

In a complaints queue (one with a response SLA) the reply answers the case and closes it: the
post's decision stands, nothing is decided again. Elsewhere the case stays as it is (its queue
has no response SLA: it is due when it was) and the reply is its first response. Either way the
event's `action_id` is the reply's id, so the desk waiting on it gets its answer, and a
redelivered reply makes the same event (its id derives from the reply's).
"""

from __future__ import annotations

from services.contracts.cases import Case, CaseState
from services.contracts.events import CaseEvent, CaseEventKind, ReplyWritten, derived_id
from services.escalation.domain.cases import case_event
from services.policy.language import Policy


def on_reply(case: Case | None, reply: ReplyWritten, policy: Policy) -> CaseEvent | None:
    """The case event the reply makes; None for a reply to no case we hold."""
    if reply.case_id is None or case is None:
        return None  # a reply to a post without a case, or to a case we never held
    now, actor = reply.occurred_at, reply.written_by
    fields = {"action_id": reply.reply_id, "event_id": derived_id("case-event", reply.reply_id)}
    refusal = _refusal(case, reply)
    if refusal:
        return case_event(case, CaseEventKind.REJECTED, actor, now, reason=refusal, **fields)
    spec = policy.queues.get(case.queue)
    if spec is not None and spec.complaints:
        return case_event(case, CaseEventKind.ANSWERED, actor, now, reason=reply.text, **fields)
    return case_event(case, CaseEventKind.RESPONDED, actor, now, reason=reply.text, **fields)


def _refusal(case: Case, reply: ReplyWritten) -> str | None:
    if case.tenant != reply.tenant or case.post_id != reply.post_id:
        return "no such case for this post"
    if case.state is CaseState.RESOLVED:
        return "the case is resolved"
    if case.state is CaseState.CLAIMED and case.assignee != reply.written_by:
        return f"the case is held by {case.assignee}"
    return None
