from __future__ import annotations

import logging
from functools import partial

from fastapi import APIRouter, status
from pydantic import ValidationError
from starlette.responses import Response

from services.contracts import topics
from services.contracts.events import Scores
from services.ingest import metrics
from services.ingest.adapters.publisher import Unpublished
from services.ingest.adapters.registry import ClaimOutcome
from services.ingest.api.deps import (
    PostWriter,
    PublisherDep,
    RegistryDep,
    SettingsDep,
    unavailable,
    writer_of,
)
from services.ingest.domain.submission import (
    Admitted,
    Rejection,
    SubmitPostRequest,
    SubmitPostResponse,
    WrongTenant,
    admit,
)
from services.shared.direct import DirectRequest, json_answer
from services.shared.errors import ApiError

log = logging.getLogger(__name__)
CONFLICT = "This external_id was already submitted with other content."
router = APIRouter(prefix="/v1/posts", tags=["posts"])

ERRORS = {
    400: {"description": "Body is not valid JSON"},
    401: {"description": "No platform key, or not a valid one"},
    403: {"description": "The key lacks `posts:write`, or the body names another tenant"},
    429: {"description": "Over the key's requests per minute; see Retry-After"},
    409: {"description": "external_id already used for different content"},
    422: {"description": "Missing or invalid fields, empty or too long text"},
    503: {
        "description": "Kafka or Redis unavailable; nothing was accepted, retry after Retry-After"
    },
}


@router.post(
    "", status_code=status.HTTP_202_ACCEPTED, response_model=SubmitPostResponse, responses=ERRORS
)
async def submit_post(
    body: SubmitPostRequest,
    platform: PostWriter,
    settings: SettingsDep,
    publisher: PublisherDep,
    registry: RegistryDep,
) -> SubmitPostResponse:
    """Accept a post for moderation. Idempotent on (tenant, external_id)."""
    parent = await parent_author(registry, platform.tenant, body)
    admitted = admitted_or_refused(body, platform.tenant, settings, parent_author=parent)
    return await accept(admitted, settings, publisher, registry)


async def submit_post_direct(request: DirectRequest) -> Response | None:
    """`submit_post` in the direct lane (`services.shared.direct`), the same steps in the
    same order; a body FastAPI would refuse is left to it (None), before the key is checked."""
    if not request.json_body():
        return None
    try:
        body = SubmitPostRequest.model_validate_json(request.body)
    except ValidationError:
        return None
    state = request.scope["app"].state
    platform = await writer_of(state, request.token())
    parent = await parent_author(state.registry, platform.tenant, body)
    admitted = admitted_or_refused(body, platform.tenant, state.settings, parent_author=parent)
    response = await accept(admitted, state.settings, state.publisher, state.registry)
    return json_answer(status.HTTP_202_ACCEPTED, response.model_dump_json().encode())


async def parent_author(registry, tenant: str, body: SubmitPostRequest) -> str | None:
    """Who a reply answers, when ingest received the post it names (a read only for replies)."""
    if body.reply_to is None:
        return None
    return (await registry.parent_authors(tenant, {body.reply_to})).get(body.reply_to)


def admitted_or_refused(
    body: SubmitPostRequest,
    tenant: str,
    settings,
    scored: Scores | None = None,
    parent_author: str | None = None,
) -> Admitted:
    """The post as it will be claimed and published; 403 or 422 naming the problem."""
    limits = settings.max_text_chars, settings.max_metadata_bytes
    try:
        return admit(body, tenant, *limits, scored, parent_author)
    except WrongTenant as wrong:
        metrics.POSTS_REJECTED.labels("tenant_mismatch").inc()
        raise ApiError(403, "tenant_mismatch", str(wrong)) from None
    except Rejection as rejection:
        metrics.POSTS_REJECTED.labels(rejection.code).inc()
        details = [{"field": rejection.field, "problem": rejection.message}]
        raise ApiError(422, rejection.code, rejection.message, details) from None


async def accept(admitted: Admitted, settings, publisher, registry) -> SubmitPostResponse:
    """Claim the post's external id, then publish it: a duplicate answers as the first did,
    another post under the same id is 409."""
    post = admitted.post
    base = settings.gateway_public_url.rstrip("/")
    response = SubmitPostResponse(
        post_id=post.post_id, status_url=f"{base}/v1/posts/{post.post_id}/decision", duplicate=False
    )
    claim = await registry.claim(admitted.event, admitted.fingerprint)
    if claim is ClaimOutcome.CONFLICT:
        metrics.POSTS_REJECTED.labels("external_id_conflict").inc()
        raise ApiError(409, "external_id_conflict", CONFLICT)
    if claim is ClaimOutcome.DUPLICATE:
        metrics.POSTS_DUPLICATE.inc()
        return response.model_copy(update={"duplicate": True})
    await publish_post(admitted, publisher, registry, settings)
    metrics.POSTS_ACCEPTED.labels(post.tenant).inc()
    return response


async def publish_post(admitted, publisher, registry, settings) -> None:
    """On the posts topic and marked published; a post Kafka did not take is released (or, if
    Kafka may answer late, marked uncertain) and the caller gets 503."""
    post = admitted.post
    try:
        with metrics.PUBLISH_SECONDS.time():
            await publisher.publish(
                admitted.value,
                topics.POSTS_SUBMITTED,
                topics.author_key(post.tenant, post.author_id),
                settings.publish_timeout_seconds,
                partial(registry.settled, post.post_id),  # Kafka's late answer, if any
            )
    except Unpublished as error:
        log.error(
            "publish failed",
            extra={"post_id": post.post_id, "error": str(error), "pending": error.pending},
        )
        if error.pending:  # settled when Kafka answers; a retry meanwhile publishes again
            await registry.uncertain_many([post.post_id])
        else:
            await registry.release(post.post_id)
        raise unavailable(
            "The post could not be queued; nothing was accepted. Retry.", settings
        ) from error
    registry.published_soon(post.post_id)
