"""From a scored post and a verdict to the events escalation publishes. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from services.contracts.events import (
    AuthorSanctioned,
    Decision,
    PostScored,
    StrikeEvent,
    derived_id,
    utcnow,
)
from services.escalation.domain.policy import Policy, Verdict
from services.escalation.domain.statement import automated_statement
from services.escalation.domain.strikes import sanction_for


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    strike: StrikeEvent | None = None
    sanction: AuthorSanctioned | None = None


def automated_outcome(
    scored: PostScored, verdict: Verdict, policy: Policy, strikes_before: int
) -> Outcome:
    """The automated decision, plus the strike and sanction it causes (if any)."""
    post = scored.post
    decision_id = derived_id("decision", post.post_id, "0")
    now = utcnow()
    strike = sanction = step = None
    if verdict.strikes:
        strike = StrikeEvent(
            event_id=derived_id("strike", decision_id),
            strike_id=decision_id,
            tenant=post.tenant,
            community=post.community,
            author_id=post.author_id,
            weight=verdict.strikes,
            post_id=post.post_id,
            reason=",".join(verdict.matched),
        )
        step = sanction_for(strikes_before, strikes_before + verdict.strikes, policy.strikes)
        if step:
            sanction = AuthorSanctioned(
                event_id=derived_id("sanction", decision_id),
                tenant=post.tenant,
                community=post.community,
                author_id=post.author_id,
                sanction=step.sanction,
                duration_hours=step.duration_hours,
                strikes=strikes_before + verdict.strikes,
                policy=policy.ref,
                post_id=post.post_id,
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
    )
    return Outcome(decision, strike, sanction)
