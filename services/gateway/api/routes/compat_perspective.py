"""Perspective API drop-in: `POST /v1alpha1/comments:analyze?key=…`, scored synchronously by the
classifier. With `doNotStore` nothing about the comment is kept or logged; otherwise, when
PERSPECTIVE_SUBMIT_TO_PIPELINE is on and the key also has `posts:write`, the comment also
enters the pipeline as a post, with the scores it was given (ingest's internal API), so it is
scored once."""

from __future__ import annotations

import hashlib
import time
from typing import Annotated, Any, Literal

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, Header, Query, Request

from services.contracts import topics
from services.contracts.credentials import Scope
from services.contracts.events import LabeledExample, Scores, derived_id, new_event_id
from services.gateway import metrics
from services.gateway.adapters.classifier import (
    ClassifierClient,
    ClassifierRefused,
    ClassifierUnavailable,
    Scored,
)
from services.gateway.api.deps import (
    BrokerDep,
    ClassifierDep,
    IngestDep,
    ScoreMapsDep,
    SettingsDep,
    platform_auth,
)
from services.gateway.domain.discovery import API, VERSION, discovery_document
from services.gateway.domain.perspective import (
    AnalyzeRequest,
    PerspectiveError,
    SuggestRequest,
    check_comment,
    invalid,
    plan,
    response,
    sentence_spans,
    stated_language,
    suggest_response,
    suggested_labels,
)
from services.shared.auth import AuthFailure
from services.shared.kafka import publish_for_tenant
from services.shared.platforms import Platform

router = APIRouter(tags=["compatibility"])
GOOGLE_STATUS = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 429: "RESOURCE_EXHAUSTED"}


def google_error(failure: AuthFailure) -> PerspectiveError:
    return PerspectiveError(
        failure.status, GOOGLE_STATUS.get(failure.status, "INVALID_ARGUMENT"), failure.message
    )


PerspectiveCaller = Annotated[Platform, Depends(platform_auth(Scope.SCORE, google_error))]

ANALYZE_EXAMPLE = {
    "attributeScores": {
        "TOXICITY": {
            "spanScores": [
                {"begin": 0, "end": 16, "score": {"value": 0.93, "type": "PROBABILITY"}}
            ],
            "summaryScore": {"value": 0.93, "type": "PROBABILITY"},
        }
    },
    "languages": ["en"],
    "detectedLanguages": ["en"],
    "clientToken": "comment-981",
}
SUGGEST_EXAMPLE = {
    "requestedLanguages": ["en"],
    "detectedLanguages": ["en"],
    "clientToken": "comment-981",
}


@router.post(
    "/v1alpha1/comments:analyze",
    responses={
        200: {"content": {"application/json": {"example": ANALYZE_EXAMPLE}}},
        400: {"description": "Google-style error: COMMENT_EMPTY, COMMENT_TOO_LONG, ..."},
    },
)
async def analyze(
    body: AnalyzeRequest,
    platform: PerspectiveCaller,
    classifier: ClassifierDep,
    ingest: IngestDep,
    settings: SettingsDep,
    maps: ScoreMapsDep,
    key: Annotated[str | None, Query(description="Your API key (Perspective style).")] = None,
    x_score_map: Annotated[
        Literal["none"] | None,
        Header(description="`none`: our models' own scale, not the platform's score map."),
    ] = None,
) -> dict:
    """Perspective's AnalyzeComment: summary and span scores for the requested attributes,
    through the platform's score map when one is live (`scoreMap` in the answer says which)."""
    started = time.perf_counter()
    check_comment(body)
    text = body.comment.text
    spans = sentence_spans(text) if body.spanAnnotations else [(0, len(text))]
    # one sentence (or no span annotations): its span score is the summary score
    sentences = [text[b:e] for b, e in spans] if len(spans) > 1 else []
    scored = await score(classifier, [text], stated_language(body))
    languages = sorted(scored.reads)  # what the running model reads
    read_as = scored.languages[0]
    wanted = plan(body, scored.labels, set(languages), read_as)
    span_scores = scored.scores
    if sentences:  # read in the comment's language: a short sentence alone could pass for another
        span_scores = (await score(classifier, sentences, read_as.code)).scores
    # the comment becomes the caller's post, so its key needs `posts:write`
    wanted_in_pipeline = settings.perspective_submit_to_pipeline and not body.doNotStore
    if wanted_in_pipeline and Scope.POSTS_WRITE in platform.scopes:
        await ingest.submit(platform.tenant, as_post(body), scores_of(scored))
    metrics.COMPAT_SECONDS.labels("perspective").observe(time.perf_counter() - started)
    metrics.COMPAT_REQUESTS.labels("perspective", "200").inc()
    score_map = None if x_score_map == "none" else await maps.live(platform.tenant)
    return response(
        body, wanted, scored.scores[0], spans, span_scores, languages, read_as, score_map
    )


async def score(classifier: ClassifierClient, texts: list[str], language: str | None) -> Scored:
    try:
        return await classifier.score(texts, language)
    except ClassifierUnavailable as error:
        raise PerspectiveError(503, "UNAVAILABLE", "Scoring is unavailable; retry.") from error
    except ClassifierRefused as refused:
        raise invalid(f"The comment cannot be scored: {refused.message}") from refused


def as_post(body: AnalyzeRequest) -> dict[str, Any]:
    """The comment as an ingest submission: the client token (or the text's hash) names it."""
    external = body.clientToken or hashlib.sha256(body.comment.text.encode()).hexdigest()[:32]
    context = body.context
    conversation = {
        "reply_to": f"perspective:{context.replyTo}" if context and context.replyTo else None,
        "thread_id": context.threadId if context else None,
    }
    return {
        "external_id": f"perspective:{external}",
        "author_id": body.sessionId or "perspective",
        "text": body.comment.text,
        "community": body.communityId,
    } | {name: value for name, value in conversation.items() if value is not None}


def scores_of(scored: Scored) -> Scores:
    """The comment's scores as the pipeline carries them (the first text is the comment)."""
    return Scores(
        scores=scored.scores[0],
        model=scored.model,
        language=scored.languages[0],
        unscored=scored.unscored[0],
        tone=scored.tones[0],
    )


@router.post(
    "/v1alpha1/comments:suggestscore",
    responses={
        200: {"content": {"application/json": {"example": SUGGEST_EXAMPLE}}},
        400: {"description": "Google-style error: COMMENT_EMPTY, ATTRIBUTE_NOT_SUPPORTED"},
    },
)
async def suggest_score(
    body: SuggestRequest,
    platform: PerspectiveCaller,
    settings: SettingsDep,
    broker: BrokerDep,
    key: Annotated[str | None, Query(description="Your API key (Perspective style).")] = None,
) -> dict:
    """Perspective's SuggestCommentScore: record the scores you say a comment should have had.

    Each suggestion becomes a labeled example (topic `moderation.labeled-examples.v1`) for
    training and calibration; with `doNotStore` the example keeps no text."""
    labels = suggested_labels(body)
    example = LabeledExample(
        example_id=derived_id("suggest", platform.tenant, body.clientToken)
        if body.clientToken
        else new_event_id(),
        tenant=platform.tenant,
        source="perspective_suggestscore",
        labels=labels,
        text=None if body.doNotStore else body.comment.text,
        community=body.communityId,
        languages=body.languages or [],
        client_token=body.clientToken,
    )
    try:
        await publish_for_tenant(broker, topics.LABELED_EXAMPLES, example)
    except (KafkaError, TimeoutError) as error:
        raise PerspectiveError(503, "UNAVAILABLE", "Could not record it; retry.") from error
    metrics.COMPAT_REQUESTS.labels("perspective", "200").inc()
    languages = [c.strip() for c in settings.perspective_languages.split(",") if c.strip()]
    return suggest_response(body, languages)


@router.get("/$discovery/rest", include_in_schema=False)
@router.get(f"/discovery/v1/apis/{API}/{VERSION}/rest", include_in_schema=False)
async def discovery(request: Request, settings: SettingsDep) -> dict:
    """Google's discovery document for commentanalyzer v1alpha1, pointing at this gateway."""
    root = settings.gateway_public_url or str(request.base_url)
    return discovery_document(root)
