from __future__ import annotations

import logging

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from services.contracts import topics
from services.contracts.events import PostSubmitted
from services.ingest import metrics
from services.ingest.adapters.publisher import Unpublished
from services.ingest.adapters.registry import ClaimOutcome
from services.ingest.api.deps import PostWriter, PublisherDep, RegistryDep, SettingsDep, unavailable
from services.ingest.domain.submission import (
    Rejection,
    SubmitPostRequest,
    SubmitPostResponse,
    WrongTenant,
    check_submission,
    content_fingerprint,
    tenant_for,
    to_post,
)
from services.shared.errors import ApiError, error_body

log = logging.getLogger(__name__)
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
) -> SubmitPostResponse | JSONResponse:
    """Accept a post for moderation. Idempotent on (tenant, external_id)."""
    try:
        tenant = tenant_for(body, platform.tenant)
    except WrongTenant as wrong:
        metrics.POSTS_REJECTED.labels("tenant_mismatch").inc()
        raise ApiError(403, "tenant_mismatch", str(wrong)) from None
    try:
        check_submission(body, settings.max_text_chars, settings.max_metadata_bytes)
    except Rejection as rejection:
        metrics.POSTS_REJECTED.labels(rejection.code).inc()
        details = [{"field": rejection.field, "problem": rejection.message}]
        return JSONResponse(error_body(rejection.code, rejection.message, details), status_code=422)

    post = to_post(body, tenant)
    response = SubmitPostResponse(
        post_id=post.post_id,
        status_url=f"{settings.gateway_public_url.rstrip('/')}/v1/posts/{post.post_id}/decision",
        duplicate=False,
    )
    event = PostSubmitted(post=post)
    claim = await registry.claim(event, content_fingerprint(post))
    if claim is ClaimOutcome.CONFLICT:
        metrics.POSTS_REJECTED.labels("external_id_conflict").inc()
        raise ApiError(
            409,
            "external_id_conflict",
            "This external_id was already submitted with other content.",
        )
    if claim is ClaimOutcome.DUPLICATE:
        metrics.POSTS_DUPLICATE.inc()
        return response.model_copy(update={"duplicate": True})

    try:
        with metrics.PUBLISH_SECONDS.time():
            await publisher.publish(
                event,
                topics.POSTS_SUBMITTED,
                topics.author_key(post.tenant, post.author_id),
                settings.publish_timeout_seconds,
            )
    except Unpublished as error:
        log.error(
            "publish failed; claim released", extra={"post_id": post.post_id, "error": str(error)}
        )
        await registry.release(post.post_id)
        raise unavailable(
            "The post could not be queued; nothing was accepted. Retry.", settings
        ) from error
    await registry.mark_published(post.post_id)
    metrics.POSTS_ACCEPTED.labels(post.tenant).inc()
    return response
