"""Perspective API (commentanalyzer v1alpha1) compatibility: request checks, attribute mapping,
sentence spans in UTF-16 code units, and the response shape. Pure.

Attributes map onto our labels; PROFANITY is Detoxify's `obscene`. An attribute whose label the
running model cannot predict is unsupported: rejected, unless `dropUnsupportedAttributes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events import UNDETERMINED, Language, LanguageSource, ScoreMapPublished
from services.contracts.text import PRINTABLE, is_language_tag

ATTRIBUTES: dict[str, str] = {
    "TOXICITY": "toxicity",
    "SEVERE_TOXICITY": "severe_toxicity",
    "IDENTITY_ATTACK": "identity_attack",
    "INSULT": "insult",
    "PROFANITY": "obscene",
    "THREAT": "threat",
    "SEXUALLY_EXPLICIT": "sexual_explicit",
    "OBSCENE": "obscene",  # one of the New York Times models: obscene or vulgar language
}
# Perspective's `_EXPERIMENTAL` variants were newer versions of the same attributes: each is
# answered by the same label as its production attribute (sites asked for them by name).
ATTRIBUTES |= {
    f"{name}_EXPERIMENTAL": label for name, label in list(ATTRIBUTES.items()) if name != "OBSCENE"
}
# What Perspective also served and no model here scores: refused with ATTRIBUTE_NOT_SUPPORTED,
# as Google refused an attribute it did not serve, never scored with a label that means
# something else. The "bridging" attributes (civil qualities of a comment) and the other New
# York Times models have no training data here.
NOT_SCORED = (
    "FLIRTATION", "FLIRTATION_EXPERIMENTAL", "ATTACK_ON_AUTHOR", "ATTACK_ON_COMMENTER",
    "INCOHERENT", "INFLAMMATORY", "LIKELY_TO_REJECT", "SPAM", "UNSUBSTANTIAL",
    "AFFINITY_EXPERIMENTAL", "COMPASSION_EXPERIMENTAL", "CURIOSITY_EXPERIMENTAL",
    "NUANCE_EXPERIMENTAL", "PERSONAL_STORY_EXPERIMENTAL", "REASONING_EXPERIMENTAL",
    "RESPECT_EXPERIMENTAL",
)  # fmt: skip
MAX_COMMENT_BYTES = 20_480
_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*\s+")


class PerspectiveError(Exception):
    """An error in Google's shape: {"error": {"code", "message", "status", "details"}}."""

    def __init__(self, code: int, status: str, message: str, error_type: str | None = None):
        super().__init__(message)
        self.code, self.status, self.message, self.error_type = code, status, message, error_type

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.error_type:
            error["details"] = [
                {
                    "@type": "type.googleapis.com/google.commentanalyzer.v1alpha1.Error",
                    "errorType": self.error_type,
                }
            ]
        return {"error": error}


def invalid(message: str, error_type: str | None = None) -> PerspectiveError:
    return PerspectiveError(400, "INVALID_ARGUMENT", message, error_type)


GOOGLE_STATUS = {
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def google_shape(status: int, _: str, message: str, __: list | None) -> dict[str, Any]:
    """Any error under Perspective's paths (a bad body, a size refusal, a crash) as Google's."""
    return PerspectiveError(status, GOOGLE_STATUS.get(status, "INVALID_ARGUMENT"), message).body()


class AttributeParameters(BaseModel):
    model_config = ConfigDict(extra="ignore")

    scoreType: str | None = Field(default=None, examples=["PROBABILITY"])
    scoreThreshold: float | None = Field(default=None, ge=0, le=1)


class Comment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = Field(max_length=200_000)
    type: str | None = Field(default=None, examples=["PLAIN_TEXT"])


class ContextEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = Field(max_length=200_000)
    type: str | None = Field(default=None, examples=["PLAIN_TEXT"])


class CommentContext(BaseModel):
    """Perspective's `context`: the texts around the comment (`entries`, accepted and not read:
    no model here scores a comment by its neighbours, nor did Perspective's production
    attributes) and, an extension of ours, the conversation ids a pipeline post keeps."""

    model_config = ConfigDict(extra="ignore")

    entries: list[ContextEntry] = Field(default_factory=list, max_length=100)
    replyTo: str | None = Field(
        default=None, min_length=1, max_length=256, pattern=PRINTABLE,
        description="Ours: the `clientToken` of the comment this one answers (the post's "
        "`reply_to`, as this endpoint names comments: `perspective:<clientToken>`).",
    )  # fmt: skip
    threadId: str | None = Field(
        default=None, min_length=1, max_length=256, pattern=PRINTABLE,
        description="Ours: the conversation's id (the post's `thread_id`).",
    )  # fmt: skip


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    comment: Comment
    context: CommentContext | None = None
    requestedAttributes: dict[str, AttributeParameters] = Field(examples=[{"TOXICITY": {}}])
    languages: list[str] | None = Field(default=None, examples=[["en"]])
    doNotStore: bool = False
    clientToken: str | None = None
    sessionId: str | None = None
    spanAnnotations: bool = False
    communityId: str | None = None
    dropUnsupportedAttributes: bool = False


@dataclass(frozen=True)
class Requested:
    attribute: str
    label: str
    threshold: float | None


def check_comment(request: AnalyzeRequest) -> None:
    """The comment errors Perspective gives before anything is scored."""
    text = request.comment.text
    if not text.strip():
        raise invalid("Comment must be non-empty.", "COMMENT_EMPTY")
    if len(text.encode()) > MAX_COMMENT_BYTES:
        raise invalid(
            f"Comment text too long: at most {MAX_COMMENT_BYTES} bytes.", "COMMENT_TOO_LONG"
        )
    if request.comment.type not in (None, "PLAIN_TEXT"):
        raise invalid(f"Unsupported comment type {request.comment.type}; only PLAIN_TEXT.")
    for code in request.languages or []:
        if not is_language_tag(code):
            raise invalid(f"languages: {code!r} is not a language code (e.g. en, pt-BR).")


def fallback(languages: list[str]) -> str:
    """What an undetermined comment is reported as read in: English where a model reads it
    (Perspective's own default), else the first language read."""
    return "en" if "en" in languages else languages[0]


def stated_language(request: AnalyzeRequest) -> str | None:
    """The language the caller states (the first of `languages`): it wins over detection."""
    return request.languages[0] if request.languages else None


def plan(
    request: AnalyzeRequest, labels: set[str], languages: set[str], read_as: Language
) -> list[Requested]:
    """What to report for the model's `labels` in the `languages` it reads, or the error
    Perspective would give. The comment's language is the one asked for, else the one detected
    (`read_as`); an undetermined one (a few letters, emoji) is read as the model's."""
    if not request.requestedAttributes:
        raise invalid("requestedAttributes must name at least one attribute.")
    wanted = []
    for name, parameters in request.requestedAttributes.items():
        label = ATTRIBUTES.get(name.upper())
        if label is None or label not in labels:
            if request.dropUnsupportedAttributes:
                continue
            why = (
                "no model here scores it"
                if label is None
                else f"the running model has no {label} label"
            )
            raise invalid(
                f"Requested attribute {name} is not supported: {why}.", "ATTRIBUTE_NOT_SUPPORTED"
            )
        if parameters.scoreType not in (None, "PROBABILITY"):
            raise invalid(f"Attribute {name}: only scoreType PROBABILITY is supported.")
        asked = [code.lower().split("-")[0] for code in request.languages or []]
        if asked and not set(asked) & languages:
            raise invalid(
                f"Attribute {name} does not support request languages: {','.join(asked)}",
                "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            )
        if not asked and read_as.code != UNDETERMINED and read_as.code not in languages:
            raise invalid(
                f"Attribute {name} does not support the comment's detected language: "
                f"{read_as.code}",
                "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            )
        wanted.append(Requested(name.upper(), label, parameters.scoreThreshold))
    if not wanted:
        raise invalid("None of the requested attributes is supported.", "ATTRIBUTE_NOT_SUPPORTED")
    return wanted


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[begin, end) character ranges of the sentences, trailing spaces excluded."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() - len(match.group()) + len(match.group().rstrip())
        spans.append((start, end))
        start = match.end()
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return [(b, e) for b, e in spans if text[b:e].strip()] or [(0, len(text))]


def utf16_offset(text: str, index: int) -> int:
    """Perspective's offsets count UTF-16 code units (as JavaScript strings do)."""
    return len(text[:index].encode("utf-16-le")) // 2


def _score(value: float) -> dict[str, Any]:
    return {"value": round(float(value), 6), "type": "PROBABILITY"}


def response(
    request: AnalyzeRequest,
    wanted: list[Requested],
    summary: dict[str, float],
    spans: list[tuple[int, int]],
    span_scores: list[dict[str, float]],
    languages: list[str],
    read_as: Language,
    score_map: ScoreMapPublished | None = None,
) -> dict[str, Any]:
    """attributeScores with summary and span scores, each through the platform's score map
    where it has a curve for the attribute; attributes under their threshold (on that scale)
    are left out, as Perspective does."""
    text = request.comment.text
    curves = score_map.curves if score_map else {}
    attributes = {}
    for item in wanted:
        curve = curves.get(item.attribute)
        scale = curve.value if curve else float
        value = scale(summary[item.label])
        if item.threshold is not None and value < item.threshold:
            continue
        attributes[item.attribute] = {
            "summaryScore": _score(value),
            "spanScores": [
                {
                    "begin": utf16_offset(text, b),
                    "end": utf16_offset(text, e),
                    "score": _score(scale(scores[item.label])),
                }
                for (b, e), scores in zip(spans, span_scores, strict=True)
            ],
        }
    body: dict[str, Any] = {
        "attributeScores": attributes,
        "languages": request.languages
        or [read_as.code if detected(read_as) else fallback(languages)],
        "detectedLanguages": [read_as.code] if detected(read_as) else [],
    }
    if request.clientToken is not None:
        body["clientToken"] = request.clientToken
    if score_map is not None:  # ours: which map made these scores (Google's clients ignore it)
        body["scoreMap"] = {"version": score_map.version, "attributes": sorted(curves)}
    return body


def detected(language: Language) -> bool:
    return language.source is LanguageSource.DETECTED


class SummaryScore(BaseModel):
    model_config = ConfigDict(extra="ignore")

    value: float = Field(ge=0, le=1)
    type: str | None = None


class SuggestedScores(BaseModel):
    model_config = ConfigDict(extra="ignore")

    summaryScore: SummaryScore


class SuggestRequest(BaseModel):
    """Perspective's SuggestCommentScore: what the caller says the scores should have been.
    `doNotStore` (not in Google's request) keeps the text out of the labeled example."""

    model_config = ConfigDict(extra="ignore")

    comment: Comment
    attributeScores: dict[str, SuggestedScores] = Field(
        examples=[{"TOXICITY": {"summaryScore": {"value": 0.0}}}]
    )
    languages: list[str] | None = Field(default=None, examples=[["en"]])
    communityId: str | None = None
    clientToken: str | None = None
    sessionId: str | None = None
    doNotStore: bool = False


def suggested_labels(request: SuggestRequest) -> dict[str, float]:
    """Our labels and the values suggested for them, or the error Perspective would give."""
    if not request.comment.text.strip():
        raise invalid("Comment must be non-empty.", "COMMENT_EMPTY")
    if len(request.comment.text.encode()) > MAX_COMMENT_BYTES:
        raise invalid(
            f"Comment text too long: at most {MAX_COMMENT_BYTES} bytes.", "COMMENT_TOO_LONG"
        )
    if not request.attributeScores:
        raise invalid("attributeScores must name at least one attribute.")
    labels = {}
    for name, suggested in request.attributeScores.items():
        label = ATTRIBUTES.get(name.upper())
        if label is None:
            raise invalid(f"Attribute {name} is not supported.", "ATTRIBUTE_NOT_SUPPORTED")
        labels[label] = suggested.summaryScore.value
    return labels


def suggest_response(request: SuggestRequest, languages: list[str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requestedLanguages": request.languages or languages[:1],
        "detectedLanguages": languages[:1],
    }
    if request.clientToken is not None:
        body["clientToken"] = request.clientToken
    return body
