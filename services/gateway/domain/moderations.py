"""OpenAI moderation API compatibility: input shapes, the category mapping, flagging. Pure.

Our labels mapped onto OpenAI's categories (documented in docs/platforms.md). A category with no
honest counterpart scores 0 and is listed in UNSUPPORTED; its applied input types are empty.
A category built from several labels takes the lowest of them: all must be present.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CATEGORY_LABELS: dict[str, tuple[str, ...]] = {
    "harassment": ("insult",),
    "harassment/threatening": ("threat",),
    "hate": ("identity_attack",),
    "hate/threatening": ("identity_attack", "threat"),
    "illicit": (),
    "illicit/violent": (),
    "self-harm": (),
    "self-harm/intent": (),
    "self-harm/instructions": (),
    "sexual": ("sexual_explicit",),
    "sexual/minors": (),
    "violence": ("threat",),
    "violence/graphic": (),
}
UNSUPPORTED = tuple(name for name, labels in CATEGORY_LABELS.items() if not labels)
MAX_INPUTS = 32
MAX_INPUT_CHARS = 20_480  # what the classifier reads whole


class ModerationError(Exception):
    """An error in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""

    def __init__(self, status: int, message: str, code: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param

    def body(self) -> dict[str, Any]:
        kind = "invalid_request_error" if self.status < 500 else "server_error"
        return {
            "error": {"message": self.message, "type": kind, "param": self.param, "code": self.code}
        }


def openai_shape(
    status: int, code: str, message: str, fields: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """Any error under OpenAI's path (a bad body, a size refusal, a crash) as OpenAI's; the
    first field in error is its `param`."""
    return ModerationError(status, message, code, fields[0]["field"] if fields else None).body()


class TextPart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["text"]
    text: str


class ImagePart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["image_url"]
    image_url: dict[str, Any]


class ModerationRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    input: str | list[str] | list[TextPart | ImagePart] = Field(examples=["you are an idiot"])
    model: str | None = Field(default=None, examples=["omni-moderation-latest"])


def texts_of(request: ModerationRequest) -> list[str]:
    raw = request.input
    if isinstance(raw, str):
        texts = [raw]
    else:
        if any(isinstance(part, ImagePart) for part in raw):
            raise ModerationError(
                400, "Image inputs are not supported here.", "unsupported_input", "input"
            )
        texts = [part if isinstance(part, str) else part.text for part in raw]
    if not texts:
        raise ModerationError(400, "input must not be empty.", "invalid_input", "input")
    if len(texts) > MAX_INPUTS:
        raise ModerationError(
            400, f"At most {MAX_INPUTS} inputs per request.", "too_many_inputs", "input"
        )
    return texts


def supported(labels: set[str] | dict[str, float]) -> set[str]:
    """The categories these labels can score (every label they are built from is present)."""
    return {c for c, needs in CATEGORY_LABELS.items() if needs and all(n in labels for n in needs)}


def category_scores(scores: dict[str, float]) -> dict[str, float]:
    scored = supported(scores)
    return {
        c: round(min(scores[n] for n in CATEGORY_LABELS[c]), 6) if c in scored else 0.0
        for c in CATEGORY_LABELS
    }


def result(
    scores: dict[str, float], thresholds: dict[str, float], default: float
) -> dict[str, Any]:
    """One entry of `results`: scores, flags and which input types each category applied to."""
    by_category = category_scores(scores)
    scored = supported(scores)
    flags = {c: c in scored and by_category[c] >= thresholds.get(c, default) for c in by_category}
    return {
        "flagged": any(flags.values()),
        "categories": flags,
        "category_scores": by_category,
        "category_applied_input_types": {c: ["text"] if c in scored else [] for c in by_category},
    }
