"""Posts that arrive already scored: the gateway's Perspective endpoint scores a comment
synchronously and, when the platform opted in, sends it down the pipeline with its scores, so
the classifier passes them on instead of reading the comment a second time. Internal: a
platform never submits its own scores, so only the deployment's internal token is admitted,
and the gateway names the tenant whose key it checked."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from services.contracts.events import Scores
from services.ingest.api.deps import PublisherDep, RegistryDep, SettingsDep
from services.ingest.api.routes.posts import ERRORS, accept, admitted_or_refused, parent_author
from services.ingest.domain.submission import (
    SubmitPostRequest,
    SubmitPostResponse,
)
from services.shared.internal import InternalCaller

router = APIRouter(prefix="/internal/v1", tags=["internal"], dependencies=[InternalCaller])
TENANT = r"^[A-Za-z0-9._:-]{1,128}$"


class ScoredSubmission(BaseModel):
    tenant: str = Field(pattern=TENANT, examples=["acme"])
    post: SubmitPostRequest
    scored: Scores


@router.post(
    "/posts",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SubmitPostResponse,
    responses=ERRORS,
)
async def submit_scored_post(
    body: ScoredSubmission,
    settings: SettingsDep,
    publisher: PublisherDep,
    registry: RegistryDep,
) -> SubmitPostResponse:
    """Accept a post that was scored as it was submitted, for the platform `tenant`: the same
    checks, claim and answer as `POST /v1/posts`."""
    parent = await parent_author(registry, body.tenant, body.post)
    admitted = admitted_or_refused(body.post, body.tenant, settings, body.scored, parent)
    return await accept(admitted, settings, publisher, registry)
