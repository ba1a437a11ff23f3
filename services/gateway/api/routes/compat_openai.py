"""OpenAI moderation API drop-in: `POST /v1/moderations`, scored by the classifier, our labels
mapped onto OpenAI's categories (see services/gateway/domain/moderations.py)."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from services.contracts.credentials import Scope
from services.gateway import metrics
from services.gateway.adapters.classifier import ClassifierRefused, ClassifierUnavailable
from services.gateway.api.deps import (
    ClassifierDep,
    SettingsDep,
    platform_auth,
)
from services.gateway.domain.moderations import (
    MAX_INPUT_CHARS,
    ModerationError,
    ModerationRequest,
    result,
    texts_of,
)
from services.shared.auth import AuthFailure
from services.shared.platforms import Platform

router = APIRouter(tags=["compatibility"])


def openai_error(failure: AuthFailure) -> ModerationError:
    code = {401: "invalid_api_key", 403: "insufficient_scope", 429: "rate_limit_exceeded"}
    return ModerationError(failure.status, failure.message, code.get(failure.status, "error"))


OpenAICaller = Annotated[Platform, Depends(platform_auth(Scope.SCORE, openai_error))]

MODERATION_EXAMPLE = {
    "id": "modr-5c1e2a0f9b7d4e63a8d1f0c2b4e6a8d0",
    "model": "offline-minilm-l6-ngram-2+onnx-int8",
    "results": [
        {
            "flagged": True,
            "categories": {"harassment": True, "hate": False, "violence": False},
            "category_scores": {"harassment": 0.97, "hate": 0.04, "violence": 0.02},
            "category_applied_input_types": {"harassment": ["text"], "hate": ["text"]},
        }
    ],
}


@router.post(
    "/v1/moderations",
    responses={
        200: {"content": {"application/json": {"example": MODERATION_EXAMPLE}}},
        400: {"description": "OpenAI-style error"},
    },
)
async def moderations(
    body: ModerationRequest,
    platform: OpenAICaller,
    classifier: ClassifierDep,
    settings: SettingsDep,
) -> dict:
    """OpenAI's moderation endpoint: one result per input text."""
    started = time.perf_counter()
    texts = texts_of(body)
    if any(not text.strip() for text in texts):
        raise ModerationError(400, "Inputs must not be empty strings.", "invalid_input", "input")
    if any(len(text) > MAX_INPUT_CHARS for text in texts):
        raise ModerationError(
            400, f"Each input may hold at most {MAX_INPUT_CHARS:,} characters.", "input_too_long",
            "input",
        )  # fmt: skip
    try:
        scored = await classifier.score(texts)
    except ClassifierUnavailable as error:
        raise ModerationError(503, "Scoring is unavailable; retry.", "unavailable") from error
    except ClassifierRefused as refused:
        raise ModerationError(400, refused.message, "invalid_input", "input") from refused
    for index, (why, language) in enumerate(zip(scored.unscored, scored.languages, strict=True)):
        if why is not None:  # no model reads it: an answer of "not flagged" would be blind
            raise ModerationError(
                400, f"input[{index}] is in a language the model does not read "
                f"({language.code}; it reads {', '.join(sorted(scored.reads))}).",
                "unsupported_language", "input",
            )  # fmt: skip
    thresholds = settings.openai_flag_thresholds
    results = [result(s, thresholds, settings.openai_flag_threshold) for s in scored.scores]
    metrics.COMPAT_SECONDS.labels("openai").observe(time.perf_counter() - started)
    metrics.COMPAT_REQUESTS.labels("openai", "200").inc()
    return {
        "id": f"modr-{uuid.uuid4().hex}",
        "model": f"{scored.model.id}-{scored.model.version}",
        "results": results,
    }
