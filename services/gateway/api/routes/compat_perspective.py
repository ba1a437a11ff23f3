"""Perspective API drop-in: `POST /v1alpha1/comments:analyze?key=…`, scored synchronously by the
classifier. With `doNotStore` nothing about the comment is kept or logged; otherwise, when
PERSPECTIVE_SUBMIT_TO_PIPELINE is on and the key also has `posts:write`, the comment also
enters the pipeline as a post (sent to ingest with the caller's key)."""

from __future__ import annotations

import hashlib
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.contracts.credentials import Scope
from services.gateway import metrics
from services.gateway.adapters.classifier import ClassifierUnavailable
from services.gateway.api.deps import (
    ClassifierDep,
    IngestDep,
    Platform,
    SettingsDep,
    platform_auth,
)
from services.gateway.domain.perspective import (
    AnalyzeRequest,
    PerspectiveError,
    check_comment,
    plan,
    response,
    sentence_spans,
)
from services.shared.auth import AuthFailure

router = APIRouter(tags=["compatibility"])
GOOGLE_STATUS = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 429: "RESOURCE_EXHAUSTED"}


def google_error(failure: AuthFailure) -> PerspectiveError:
    return PerspectiveError(
        failure.status, GOOGLE_STATUS.get(failure.status, "INVALID_ARGUMENT"), failure.message
    )


PerspectiveCaller = Annotated[Platform, Depends(platform_auth(Scope.SCORE, google_error))]


@router.post(
    "/v1alpha1/comments:analyze",
    responses={400: {"description": "Google-style error: COMMENT_EMPTY, COMMENT_TOO_LONG, ..."}},
)
async def analyze(
    body: AnalyzeRequest,
    platform: PerspectiveCaller,
    classifier: ClassifierDep,
    ingest: IngestDep,
    settings: SettingsDep,
    key: Annotated[str | None, Query(description="Your API key (Perspective style).")] = None,
) -> dict:
    """Perspective's AnalyzeComment: summary and span scores for the requested attributes."""
    started = time.perf_counter()
    check_comment(body)
    text = body.comment.text
    spans = sentence_spans(text) if body.spanAnnotations else [(0, len(text))]
    # one sentence (or no span annotations): its span score is the summary score
    sentences = [text[b:e] for b, e in spans] if len(spans) > 1 else []
    try:
        scored = await classifier.score([text, *sentences])
    except ClassifierUnavailable as error:
        raise PerspectiveError(503, "UNAVAILABLE", "Scoring is unavailable; retry.") from error
    languages = [code.strip() for code in settings.perspective_languages.split(",") if code.strip()]
    wanted = plan(body, scored.labels, set(languages))
    span_scores = scored.scores[1:] if sentences else scored.scores[:1]
    # ingest takes the comment on the caller's own key, so that key needs `posts:write`
    wanted_in_pipeline = settings.perspective_submit_to_pipeline and not body.doNotStore
    if wanted_in_pipeline and Scope.POSTS_WRITE in platform.scopes:
        await ingest.submit(as_post(platform.tenant, body), platform.token)
    metrics.COMPAT_SECONDS.labels("perspective").observe(time.perf_counter() - started)
    metrics.COMPAT_REQUESTS.labels("perspective", "200").inc()
    return response(body, wanted, scored.scores[0], spans, span_scores, languages)


def as_post(tenant: str, body: AnalyzeRequest) -> dict[str, Any]:
    """The comment as an ingest submission: the client token (or the text's hash) names it."""
    external = body.clientToken or hashlib.sha256(body.comment.text.encode()).hexdigest()[:32]
    return {
        "tenant": tenant,
        "external_id": f"perspective:{external}",
        "author_id": body.sessionId or "perspective",
        "text": body.comment.text,
        "community": body.communityId,
    }
