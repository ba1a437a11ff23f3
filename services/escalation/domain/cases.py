"""Moderation cases: state as a fold of CaseEvents, commands, and SLA breaches. Pure.

Lifecycle: open -> claimed -> resolved -> (appealed -> claimed -> resolved on appeal); a
complaint may close as answered instead (`replies.py`).
- Only the moderator holding the claim may resolve, unclaim or escalate it; the same case is
  never held by two moderators.
- An appeal is decided by a moderator other than the one who made the first decision, and a
  case can be appealed once.
- A command that does not fit the state is answered with a `rejected` event and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from services.contracts.cases import Case, CaseState
from services.contracts.events import (
    RESOLUTIONS,
    CaseEvent,
    CaseEventKind,
    Command,
    EscalateCommand,
    ModeratorAction,
)
from services.policy.language import Policy

# what each command that does not resolve the case turns into
TRANSITIONS = {
    Command.CLAIM: CaseEventKind.CLAIMED,
    Command.UNCLAIM: CaseEventKind.UNCLAIMED,
    Command.NOTE: CaseEventKind.NOTED,
}


def case_event(case: Case, kind: CaseEventKind, actor: str, now: datetime, **fields) -> CaseEvent:
    return CaseEvent(
        occurred_at=now,
        case_id=case.case_id,
        post_id=case.post_id,
        tenant=case.tenant,
        author_id=case.author_id,
        community=case.community,
        kind=kind,
        queue=fields.pop("queue", case.queue),
        actor=actor,
        **fields,
    )


def _deadline(policy: Policy, queue: str, now: datetime) -> datetime | None:
    spec = policy.queues.get(queue)
    return now + timedelta(minutes=spec.due_minutes) if spec else None


def handle(case: Case | None, command: ModeratorAction, policy: Policy, now: datetime) -> CaseEvent:
    """The one event that answers a moderator's command: a transition, or a rejection."""
    reason = _refusal(case, command, policy)
    if case is None:
        return CaseEvent(
            occurred_at=now, case_id=command.case_id, post_id="", tenant=command.tenant,
            author_id=command.author_id, kind=CaseEventKind.REJECTED, queue="", actor=command.moderator_id,
            reason=reason or "no such case", action_id=command.action_id,
        )  # fmt: skip
    actor, verb = command.moderator_id, command.command
    if reason:
        return case_event(
            case, CaseEventKind.REJECTED, actor, now, reason=reason, action_id=command.action_id
        )
    common = {"reason": command.reason, "action_id": command.action_id}
    if verb in TRANSITIONS:
        return case_event(case, TRANSITIONS[verb], actor, now, **common)
    if isinstance(command, EscalateCommand):
        queue = command.arguments.queue
        spec = policy.queues[queue]
        return case_event(case, CaseEventKind.ESCALATED, actor, now, queue=queue, priority=spec.priority,
                      sla_deadline=_deadline(policy, queue, now), **common)  # fmt: skip
    if verb is Command.APPEAL:
        deadline = _deadline(policy, case.queue, now)
        return case_event(case, CaseEventKind.APPEALED, actor, now, sla_deadline=deadline, **common)
    return case_event(
        case, CaseEventKind.RESOLVED, actor, now, resolution=RESOLUTIONS[verb], **common
    )


def _refusal(case: Case | None, command: ModeratorAction, policy: Policy) -> str | None:
    verb, actor = command.command, command.moderator_id
    if case is None or case.tenant != command.tenant:
        return "no such case"
    if verb is Command.NOTE:
        return None
    if verb is Command.APPEAL:
        if case.state is not CaseState.RESOLVED:
            return "only a resolved case can be appealed"
        if case.answered:
            return "an answered complaint decided nothing to appeal"
        return "this case was already appealed once" if case.appealed else None
    if case.state is CaseState.RESOLVED:
        return "the case is resolved"
    if verb is Command.CLAIM:
        if case.state is CaseState.CLAIMED:
            return (
                f"already claimed by {case.assignee}"
                if case.assignee != actor
                else "you already hold this case"
            )
        if case.appealed and case.first_decider == actor:
            return "an appeal must be decided by a moderator other than the one who decided first"
        return None
    if case.state is not CaseState.CLAIMED or case.assignee != actor:
        return (
            "claim the case first"
            if case.state is CaseState.OPEN
            else f"the case is held by {case.assignee}"
        )
    if isinstance(command, EscalateCommand) and command.arguments.queue not in policy.queues:
        return f"escalate needs arguments.queue, one of {sorted(policy.queues)}"
    return None


def unanswered(case: Case, policy: Policy) -> bool:
    """A complaint no one has replied to yet: what a response SLA measures."""
    spec = policy.queues.get(case.queue)
    return spec is not None and spec.complaints and case.first_response_at is None


def sla_breach(case: Case, policy: Policy, now: datetime) -> CaseEvent | None:
    """An open case past its deadline moves to its queue's escalation target (system actor).

    A queue without a target keeps the case, with no deadline, after reporting the breach once.
    """
    if not case.is_open or case.sla_deadline is None or case.sla_deadline > now:
        return None
    spec = policy.queues.get(case.queue)
    what = "unanswered" if unanswered(case, policy) else "open"
    target = spec.escalate_to if spec and spec.escalate_to else case.queue
    target_spec = policy.queues.get(target)
    deadline = _deadline(policy, target, now) if target != case.queue else None
    return case_event(
        case,
        CaseEventKind.ESCALATED,
        "system",
        now,
        queue=target,
        priority=target_spec.priority if target_spec else case.priority,
        sla_deadline=deadline,
        reason=f"SLA breached: {what} past {case.sla_deadline.isoformat()} in {case.queue}",
    )
