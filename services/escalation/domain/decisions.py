"""From a scored post and a verdict to the events escalation publishes. Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.contracts.cases import Case, case_id_for
from services.contracts.events import (
    Action,
    AuthorSanctioned,
    CaseEvent,
    CaseEventKind,
    Decision,
    PostScored,
    Reason,
    Restriction,
    ShadowDecision,
    StatementOfReasons,
    StrikeEvent,
    derived_id,
    utcnow,
)
from services.escalation.domain.statement import VISIBILITY, automated_statement
from services.escalation.domain.strikes import (
    StrikeTally,
    author_of,
    automated_decision_id,
    ladder_sanction,
    sanction_for,
    strike_for,
)
from services.policy.language import Policy, PostFacts, Verdict, evaluate


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    strike: StrikeEvent | None = None
    sanction: AuthorSanctioned | None = None
    case: CaseEvent | None = None
    shadow: ShadowDecision | None = None


@dataclass(frozen=True)
class Governance:
    """What governs one post: its community's policy, the shadow policy it is compared with
    (never acted on), whether the community is in crisis mode, and whether the post is aimed
    at a member shielded from a pile-on."""

    policy: Policy
    shadow: Policy | None
    crisis: bool
    shielded: bool = False


def decided(event: PostScored, governance: Governance, tally: StrikeTally, now: float) -> Outcome:
    """The automated outcome of one post; its strike, if any, goes into the tally so the
    author's next post in the batch is judged with it."""
    post, policy = event.post, governance.policy
    author = author_of(post.tenant, post.community, post.author_id)
    since = now - policy.strikes.window_days * 86400
    count = tally.count(author, since, excluding=automated_decision_id(post.post_id))
    facts = PostFacts(
        scores=event.scores,
        text=event.normalized_text or post.text,
        community=post.community,
        author=post.author,
        strikes=count,
        crisis=governance.crisis,
        shielded=governance.shielded,
        language=event.language_code,
        unscored=event.unscored,
    )
    outcome = automated_outcome(event, evaluate(facts, policy), policy, count)
    if governance.shadow is not None:  # recorded and counted, never acted on
        verdict = evaluate(facts, governance.shadow)
        shadow = shadow_decision(event, verdict, governance.shadow, outcome.decision)
        outcome = replace(outcome, shadow=shadow)
    if outcome.strike:
        tally.add(outcome.strike)
    return outcome


def automated_outcome(
    scored: PostScored, verdict: Verdict, policy: Policy, strikes_before: int
) -> Outcome:
    """The automated decision, plus the strike and sanction it causes (if any)."""
    post = scored.post
    decision_id = automated_decision_id(post.post_id)
    now = utcnow()
    strike = sanction = step = None
    if verdict.strikes:
        strike = strike_for(
            post, decision_id, verdict.strikes, ",".join(verdict.matched),
            window_days=policy.strikes.window_days,
        )  # fmt: skip
        step = sanction_for(strikes_before, strikes_before + verdict.strikes, policy.strikes)
        sanction = ladder_sanction(
            post, strikes_before, verdict.strikes, policy, derived_id("sanction", decision_id)
        )
    decision = Decision(
        event_id=decision_id,
        occurred_at=now,
        post_id=post.post_id,
        tenant=post.tenant,
        author_id=post.author_id,
        community=post.community,
        action=verdict.action,
        reasons=list(verdict.reasons),
        scores=scored.scores,
        model=scored.model,
        policy=policy.ref,
        revision=0,
        decided_by="automated",
        queue=verdict.queue,
        statement=automated_statement(verdict, scored.scores, policy, now, step),
        crisis=verdict.crisis,
        language=scored.language_code,
        reply_to=post.reply_to,
        thread_id=post.thread_id,
    )
    case = case_opened(scored, verdict, policy, now, strikes_before)
    return Outcome(decision, strike, sanction, case)


def shadow_decision(
    scored: PostScored, verdict: Verdict, shadow: Policy, active: Decision
) -> ShadowDecision:
    post = scored.post
    return ShadowDecision(
        event_id=derived_id("shadow", post.post_id, shadow.id, shadow.version),
        post_id=post.post_id,
        tenant=post.tenant,
        author_id=post.author_id,
        community=post.community,
        policy=shadow.ref,
        action=verdict.action,
        reasons=list(verdict.reasons),
        active_policy=active.policy,
        active_action=active.action,
    )


def case_opened(
    scored: PostScored,
    verdict: Verdict,
    policy: Policy,
    opened_at: datetime,
    strikes_before: int = 0,
) -> CaseEvent | None:
    """A hold, an escalation or a routed post opens a case in the verdict's queue; the event
    carries the post and its scores, so the case view needs nothing but the case-events topic."""
    if not verdict.queue:
        return None
    post = scored.post
    spec = policy.queues.get(verdict.queue)
    return CaseEvent(
        event_id=derived_id("case-opened", post.post_id),
        occurred_at=opened_at,
        case_id=case_id_for(post.post_id),
        post_id=post.post_id,
        tenant=post.tenant,
        author_id=post.author_id,
        community=post.community,
        kind=CaseEventKind.OPENED,
        queue=verdict.queue,
        actor="system",
        reason=", ".join(verdict.matched),
        priority=verdict.priority,
        sla_deadline=opened_at + timedelta(minutes=spec.due_minutes) if spec else None,
        post=scored.post,
        scores=scored.scores,
        author_strikes=strikes_before,
        language=scored.language_code,
    )


def moderator_decision(case: Case, event: CaseEvent, policy: Policy) -> Decision:
    """The updated Decision after a moderator resolved a case (case already folded)."""
    action = event.resolution or Action.ALLOW
    restriction = (
        Restriction(visibility=VISIBILITY.get(action)) if action is not Action.ALLOW else None
    )
    statement = None
    if restriction:
        statement = StatementOfReasons(
            restriction=restriction,
            facts=[
                f"moderator {event.actor} resolved case {case.case_id}: {event.reason or action.value}"
            ],
            automated_detection=True,
            automation="human",
            ground=f"{policy.id} v{policy.version}: moderator review"
            + (" on appeal" if case.appealed else ""),
            redress="Final decision on appeal."
            if case.appealed
            else f"The author may appeal within {policy.appeal_days} days.",
            appeal_deadline=None
            if case.appealed
            else event.occurred_at + timedelta(days=policy.appeal_days),
        )
    return Decision(
        event_id=derived_id("decision", case.post_id, str(case.decision_revision)),
        occurred_at=event.occurred_at,
        post_id=case.post_id,
        tenant=case.tenant,
        author_id=case.author_id,
        community=case.community,
        action=action,
        reasons=[Reason(rule="moderator-review", action=action, detail=event.reason)],
        policy=policy.ref,
        revision=case.decision_revision,
        decided_by=event.actor,
        queue=case.queue,
        statement=statement,
        reply_to=case.reply_to,
        thread_id=case.thread_id,
    )
