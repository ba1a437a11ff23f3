"""Golden cases: known answers mixed into the queues, unmarked, to check the checkers. Pure.

- Beside every `golden.every`-th case the policy opens (chosen by the opened post's id, so a
  redelivered post makes the same copy, or none), a copy of one of the tenant's golden cases
  opens in the same queue, with the same priority and deadline. The copy has a post id of its
  own: nothing it leads to touches the real post.
- Resolving a copy decides nothing (no decision, strike, sanction or example): the call is
  scored against the one the admin expected.
"""

from __future__ import annotations

import hashlib

from services.contracts.cases import Case, case_id_for
from services.contracts.events import (
    CaseEvent,
    CaseEventKind,
    GoldenCase,
    GoldenScored,
    derived_id,
)


def copy_of(opened: CaseEvent, goldens: list[GoldenCase], every: int | None) -> CaseEvent | None:
    if not every or not goldens or opened.golden_id or opened.kind is not CaseEventKind.OPENED:
        return None
    digest = int(hashlib.sha256(opened.post_id.encode()).hexdigest(), 16)
    if digest % every:
        return None
    golden = goldens[(digest // every) % len(goldens)]
    copy_id = derived_id("golden-copy", golden.case_id, opened.post_id)
    post = golden.post.model_copy(update={"post_id": copy_id})
    return CaseEvent(
        event_id=derived_id("case-opened", copy_id),
        occurred_at=opened.occurred_at,
        case_id=case_id_for(copy_id),
        post_id=copy_id,
        tenant=opened.tenant,
        author_id=post.author_id,
        community=post.community,
        kind=CaseEventKind.OPENED,
        queue=opened.queue,
        actor="system",
        reason=golden.reason,
        priority=opened.priority,
        sla_deadline=opened.sla_deadline,
        post=post,
        scores=golden.scores,
        golden_id=golden.case_id,
    )


def scored(case: Case, resolved: CaseEvent, golden: GoldenCase) -> GoldenScored | None:
    if resolved.resolution is None:
        return None
    return GoldenScored(
        event_id=derived_id("golden-scored", resolved.event_id),
        occurred_at=resolved.occurred_at,
        tenant=case.tenant,
        golden_id=golden.case_id,
        case_id=case.case_id,
        moderator_id=resolved.actor,
        expected=golden.expected,
        called=resolved.resolution,
        correct=resolved.resolution == golden.expected,
    )
