"""Golden cases: an admin marks a resolved case with the call it should get; escalation mixes
unmarked copies of it into the queues (at the policy's `golden.every`) and scores each
moderator's call on them (`GET /v1/moderation/quality`)."""

from __future__ import annotations

from typing import Literal

from aiokafka.errors import KafkaError
from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.contracts import topics
from services.contracts.cases import CaseState
from services.contracts.events import Action, GoldenCase, Post
from services.desk.api.deps import Admin, BrokerDep, CaseBoardDep
from services.desk.api.routes.cases import found
from services.shared.errors import ApiError

router = APIRouter(prefix="/v1/admin/golden", tags=["admin"])
CALLS = {"approve": Action.ALLOW, "remove": Action.REMOVE, "hold": Action.HOLD,
         "label": Action.LABEL}  # fmt: skip
ERRORS = {
    401: {"description": "Missing or invalid token"},
    403: {"description": "Not an admin"},
    404: {"description": "No such case for your platform"},
    409: {"description": "Not resolved yet, or itself a golden case's copy"},
    503: {"description": "Kafka did not take it; nothing changed, retry"},
}


class Mark(BaseModel):
    expected: Literal["approve", "remove", "hold", "label"] = Field(
        description="The call a moderator should make on it.", examples=["remove"]
    )
    withdrawn: bool = Field(default=False, description="true: mix no more copies of it")


class Marked(BaseModel):
    case_id: str = Field(examples=["8f6fc90d-cf19-4eab-83f2-d7cdc01e886b"])
    expected: Action
    withdrawn: bool


@router.put("/{case_id}", status_code=202, response_model=Marked, responses=ERRORS)
async def mark(
    case_id: str, body: Mark, moderator: Admin, board: CaseBoardDep, broker: BrokerDep
) -> Marked:
    """Mark a resolved case golden (or withdraw it): copies of it, unmarked, join the queues,
    and each moderator's call on them is scored against `expected`."""
    case = await found(board, moderator.tenant, case_id)
    if case.state is not CaseState.RESOLVED or case.golden_id is not None:
        raise ApiError(409, "not_markable", "Only a resolved case (not a copy) can be golden.")
    post = Post(post_id=case.post_id, tenant=case.tenant, external_id=case.external_id,
                author_id=case.author_id, community=case.community, text=case.text,
                reply_to=case.reply_to, thread_id=case.thread_id)  # fmt: skip
    golden = GoldenCase(tenant=case.tenant, case_id=case.case_id, post=post, scores=case.scores,
                        reason=", ".join(case.rules), expected=CALLS[body.expected],
                        marked_by=moderator.moderator_id, withdrawn=body.withdrawn)  # fmt: skip
    try:
        await broker.publish(golden.model_dump(mode="json"), topics.GOLDEN,
                             key=topics.tenant_key(case.tenant))  # fmt: skip
    except (KafkaError, TimeoutError) as error:
        raise ApiError(503, "unavailable", "Could not record it; retry.",
                       headers={"Retry-After": "5"}) from error  # fmt: skip
    return Marked(case_id=case.case_id, expected=golden.expected, withdrawn=body.withdrawn)
