"""Moderation cases: state as a fold of CaseEvents, commands, and SLA breaches. Pure.

Lifecycle: open -> claimed -> resolved -> (appealed -> claimed -> resolved on appeal).
- Only the moderator holding the claim may resolve, unclaim or escalate it; the same case is
  never held by two moderators.
- An appeal is decided by a moderator other than the one who made the first decision, and a
  case can be appealed once.
- A command that does not fit the state is answered with a `rejected` event and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    ModeratorAction,
    SanctionKind,
    derived_id,
)
from services.escalation.domain.policy import Policy

RESOLUTIONS: dict[str, Action] = {
    "approve": Action.ALLOW,
    "label": Action.LABEL,
    "hold": Action.HOLD,
    "remove": Action.REMOVE,
    "sanction": Action.REMOVE,  # remove the post and sanction the author (arguments.sanction)
}


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

    @property
    def is_open(self) -> bool:
        return self.state is not CaseState.RESOLVED


def case_id_for(post_id: str) -> str:
    return derived_id("case", post_id)


def fold(case: Case | None, event: CaseEvent) -> Case | None:
    """The case after one event. Rejections and notes leave it as it was."""
    kind = event.kind
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
        )
    if case is None or kind in (CaseEventKind.REJECTED, CaseEventKind.NOTED):
        return case
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


def _event(case: Case, kind: CaseEventKind, actor: str, now: datetime, **fields) -> CaseEvent:
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
    return now + timedelta(minutes=spec.sla_minutes) if spec else None


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
        return _event(
            case, CaseEventKind.REJECTED, actor, now, reason=reason, action_id=command.action_id
        )
    common = {"reason": command.reason, "action_id": command.action_id}
    if verb == "claim":
        return _event(case, CaseEventKind.CLAIMED, actor, now, **common)
    if verb == "unclaim":
        return _event(case, CaseEventKind.UNCLAIMED, actor, now, **common)
    if verb == "note":
        return _event(case, CaseEventKind.NOTED, actor, now, **common)
    if verb == "escalate":
        queue = command.arguments["queue"]
        spec = policy.queues[queue]
        return _event(case, CaseEventKind.ESCALATED, actor, now, queue=queue, priority=spec.priority,
                      sla_deadline=_deadline(policy, queue, now), **common)  # fmt: skip
    if verb == "appeal":
        return _event(
            case,
            CaseEventKind.APPEALED,
            actor,
            now,
            sla_deadline=_deadline(policy, case.queue, now),
            **common,
        )
    return _event(case, CaseEventKind.RESOLVED, actor, now, resolution=RESOLUTIONS[verb], **common)


def _refusal(case: Case | None, command: ModeratorAction, policy: Policy) -> str | None:
    verb, actor = command.command, command.moderator_id
    known = {"claim", "unclaim", "note", "escalate", "appeal", *RESOLUTIONS}
    if verb not in known:
        return f"unknown command {verb!r}; known: {sorted(known)}"
    if case is None:
        return "no such case"
    if case.tenant != command.tenant:
        return "no such case"
    if verb == "note":
        return None
    if verb == "appeal":
        if case.state is not CaseState.RESOLVED:
            return "only a resolved case can be appealed"
        return "this case was already appealed once" if case.appealed else None
    if case.state is CaseState.RESOLVED:
        return "the case is resolved"
    if verb == "claim":
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
    if verb == "escalate":
        queue = command.arguments.get("queue")
        if queue not in policy.queues:
            return f"escalate needs arguments.queue, one of {sorted(policy.queues)}"
    if verb == "sanction" and command.arguments.get("sanction") not in {
        k.value for k in SanctionKind
    }:
        return f"sanction needs arguments.sanction, one of {[k.value for k in SanctionKind]}"
    return None


def sla_breach(case: Case, policy: Policy, now: datetime) -> CaseEvent | None:
    """An open case past its deadline moves to its queue's escalation target (system actor).

    A queue without a target keeps the case, with no deadline, after reporting the breach once.
    """
    if not case.is_open or case.sla_deadline is None or case.sla_deadline > now:
        return None
    spec = policy.queues.get(case.queue)
    target = spec.escalate_to if spec and spec.escalate_to else case.queue
    target_spec = policy.queues.get(target)
    deadline = _deadline(policy, target, now) if target != case.queue else None
    return _event(
        case,
        CaseEventKind.ESCALATED,
        "system",
        now,
        queue=target,
        priority=target_spec.priority if target_spec else case.priority,
        sla_deadline=deadline,
        reason=f"SLA breached: open past {case.sla_deadline.isoformat()} in {case.queue}",
    )
