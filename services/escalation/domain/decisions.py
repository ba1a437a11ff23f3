"""From a scored post and a verdict to the Decision event. Pure."""

from __future__ import annotations

from services.contracts.events import Decision, PolicyRef, PostScored, derived_id
from services.escalation.domain.policy import Verdict


def automated_decision(scored: PostScored, verdict: Verdict, policy: PolicyRef) -> Decision:
    post = scored.post
    return Decision(
        event_id=derived_id("decision", post.post_id, "0"),
        post_id=post.post_id,
        tenant=post.tenant,
        author_id=post.author_id,
        community=post.community,
        action=verdict.action,
        reasons=list(verdict.reasons),
        scores=scored.scores,
        model=scored.model,
        policy=policy,
        revision=0,
        decided_by="automated",
    )
