"""POST /v1/score: synchronous scoring that shares the micro-batcher with the Kafka path."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from services.classifier.domain.language import language_of
from services.classifier.domain.scoring import Unscorable
from services.classifier.handlers import UNSUPPORTED
from services.contracts.events import LABELS, Language, ModelInfo, Tone
from services.contracts.text import LANGUAGE_TAG
from services.shared.errors import ApiError
from services.shared.internal import InternalCaller

router = APIRouter(prefix="/v1", tags=["scoring"], dependencies=[InternalCaller])


class ScoreRequest(BaseModel):
    texts: list[str] = Field(min_length=1, examples=[["you are wonderful", "you are an idiot"]])
    languages: list[Annotated[str, Field(pattern=LANGUAGE_TAG)] | None] | None = Field(
        default=None,
        description="The language each text is stated to be in (null: detect it), in order.",
        examples=[["en", None]],
    )


class TextScores(BaseModel):
    scores: dict[str, float] = Field(description="Probability per label the model predicts.")
    missing_labels: list[str] = Field(description="Labels this model cannot predict (not zero!).")
    model: ModelInfo | None = Field(
        default=None, description="The model that read the text (none when it is unscored)."
    )
    language: Language = Field(description="The language the text was read as.")
    unscored: str | None = Field(
        default=None,
        description="Why the text has no scores: `language_not_supported` (no loaded model "
        "reads its language).",
    )
    tone: Tone | None = Field(
        default=None, description="The text's tone, when its model reads tone (none otherwise)."
    )


class ScoreResponse(BaseModel):
    model: ModelInfo = Field(description="The first model: it also reads undetermined languages.")
    reads: list[str] = Field(description="The languages some loaded model reads (ISO 639-1).")
    results: list[TextScores]


@router.post("/score", response_model=ScoreResponse)
async def score(body: ScoreRequest, request: Request) -> ScoreResponse:
    """Score texts with the running model, synchronously: one score per label per text."""
    state = request.app.state
    stated = checked(body, state.settings)
    languages = [
        language_of(lang, text, state.scoring.guess_language)
        for lang, text in zip(stated, body.texts, strict=True)
    ]
    texts = [state.scoring.normalize(text) for text in body.texts]
    readings = await state.scoring.read(texts, languages, source="http")
    out = [result_of(i, reading, languages[i]) for i, reading in enumerate(readings)]
    routes = state.scoring.routes
    return ScoreResponse(model=routes.primary.info, reads=sorted(routes.languages), results=out)


def checked(body: ScoreRequest, settings) -> list[str | None]:
    """The languages stated for each text (None: detect it); 422 for what cannot be read."""
    if len(body.texts) > settings.classifier_http_max_texts:
        raise ApiError(
            422, "too_many_texts", f"at most {settings.classifier_http_max_texts} texts per request"
        )
    for index, text in enumerate(body.texts):
        if not text.strip():
            raise ApiError(422, "text_empty", f"texts[{index}] is empty")
        if len(text) > settings.classifier_max_text_chars:
            raise ApiError(
                422,
                "text_too_long",
                f"texts[{index}] is over {settings.classifier_max_text_chars} characters",
            )
    stated = body.languages or [None] * len(body.texts)
    if len(stated) != len(body.texts):
        raise ApiError(422, "languages_mismatch", "languages must have one entry per text")
    return stated


def result_of(index: int, reading, language: str) -> TextScores:
    if isinstance(reading.result, Unscorable):
        raise ApiError(422, "unscorable", f"texts[{index}] could not be scored: {reading.result}")
    model = reading.model
    return TextScores(
        scores=reading.result or {},
        missing_labels=[label for label in LABELS if model and label not in model.labels],
        model=model.info if model else None,
        language=language,
        unscored=UNSUPPORTED if model is None else None,
        tone=reading.tone,
    )
