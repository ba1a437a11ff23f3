"""The classifier's synchronous `POST /v1/score`, used by the compatibility endpoints."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from services.contracts.events import LABELS, Language, ModelInfo, Tone
from services.shared.internal import internal_headers


class ClassifierUnavailable(Exception):
    """The classifier did not answer, or failed: the caller may retry."""


class ClassifierRefused(Exception):
    """The classifier refused the texts themselves (4xx): retrying will not help."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


MAX_TEXTS = 32  # per request; the classifier takes 64 at most


@dataclass(frozen=True)
class Scored:
    model: ModelInfo  # the model that read the first text (the first model if none did)
    labels: set[str]  # what that model can predict
    scores: list[dict[str, float]]
    languages: list[Language]  # what each text was read as
    reads: frozenset[str]  # the languages the model reads
    unscored: list[str | None]  # why a text has no scores (its language), else None
    tones: list[Tone | None]  # each text's tone, when its model reads tone


class ClassifierClient:
    def __init__(self, base_url: str, timeout: float, token: str | None) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=internal_headers(token)
        )

    async def score(self, texts: list[str], language: str | None = None) -> Scored:
        """Scores for every text, asked for in requests of `MAX_TEXTS` (a comment's sentences
        can be many more than one request takes); `language` is stated for all of them."""
        parts = [
            await self._score(texts[start : start + MAX_TEXTS], language)
            for start in range(0, len(texts), MAX_TEXTS)
        ]
        return Scored(
            model=parts[0].model,
            labels=parts[0].labels,
            scores=[scores for part in parts for scores in part.scores],
            languages=[found for part in parts for found in part.languages],
            reads=parts[0].reads,
            unscored=[why for part in parts for why in part.unscored],
            tones=[tone for part in parts for tone in part.tones],
        )

    async def _score(self, texts: list[str], language: str | None) -> Scored:
        body = {"texts": texts, "languages": [language] * len(texts)}
        try:
            response = await self.http.post("/v1/score", json=body)
        except httpx.HTTPError as error:
            raise ClassifierUnavailable(f"classifier unreachable: {error!r}") from error
        if 400 <= response.status_code < 500 and response.status_code not in (401, 403, 429):
            error = response.json().get("error", {})
            raise ClassifierRefused(
                response.status_code,
                error.get("code", "invalid"),
                error.get("message", response.text[:300]),
            )
        if response.status_code != 200:
            raise ClassifierUnavailable(
                f"classifier answered {response.status_code}: {response.text[:300]}"
            )
        body = response.json()
        results = body["results"]
        missing = set(results[0]["missing_labels"]) if results else set()
        first = (results[0].get("model") if results else None) or body["model"]
        return Scored(
            model=ModelInfo.model_validate(first),
            labels=set(LABELS) - missing,
            scores=[r["scores"] for r in results],
            languages=[Language.model_validate(r["language"]) for r in results],
            reads=frozenset(body.get("reads", [])),
            unscored=[r.get("unscored") for r in results],
            tones=[Tone.model_validate(r["tone"]) if r.get("tone") else None for r in results],
        )

    async def aclose(self) -> None:
        await self.http.aclose()
