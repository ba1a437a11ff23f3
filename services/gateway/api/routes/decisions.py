from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from services.contracts.events import Action, ModelInfo, PolicyRef, Reason
from services.gateway.api.deps import DecisionStoreDep, PostDirectoryDep
from services.shared.errors import ApiError

router = APIRouter(prefix="/v1/posts", tags=["decisions"])


class DecisionView(BaseModel):
    post_id: str
    status: Literal["pending", "decided"]
    action: Action | None = None
    reasons: list[Reason] | None = None
    scores: dict[str, float] | None = None
    model: ModelInfo | None = None
    policy: PolicyRef | None = None
    revision: int | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_id: str | None = None


@router.get(
    "/{post_id}/decision",
    response_model=DecisionView,
    response_model_exclude_none=True,
    responses={404: {"description": "No such post"}},
)
async def get_decision(
    post_id: str, decisions: DecisionStoreDep, posts: PostDirectoryDep
) -> DecisionView:
    """The current decision for a post, or `pending` while it is still in the pipeline."""
    decision = await decisions.latest(post_id)
    if decision is None:
        if await posts.exists(post_id):
            return DecisionView(post_id=post_id, status="pending")
        raise ApiError(404, "post_not_found", f"No post {post_id} is known.")
    return DecisionView(
        post_id=post_id,
        status="decided",
        action=decision.action,
        reasons=decision.reasons,
        scores=decision.scores,
        model=decision.model,
        policy=decision.policy,
        revision=decision.revision,
        decided_by=decision.decided_by,
        decided_at=decision.occurred_at,
        decision_id=decision.event_id,
    )
