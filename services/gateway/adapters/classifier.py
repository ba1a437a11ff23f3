"""The classifier's synchronous `POST /v1/score`, used by the compatibility endpoints."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from services.contracts.events import LABELS, ModelInfo
from services.shared.internal import internal_headers


class ClassifierUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Scored:
    model: ModelInfo
    labels: set[str]  # what the running model can predict
    scores: list[dict[str, float]]


class ClassifierClient:
    def __init__(self, base_url: str, timeout: float, token: str | None) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=internal_headers(token)
        )

    async def score(self, texts: list[str]) -> Scored:
        try:
            response = await self.http.post("/v1/score", json={"texts": texts})
        except httpx.HTTPError as error:
            raise ClassifierUnavailable(f"classifier unreachable: {error!r}") from error
        if response.status_code != 200:
            raise ClassifierUnavailable(
                f"classifier answered {response.status_code}: {response.text[:300]}"
            )
        body = response.json()
        results = body["results"]
        missing = set(results[0]["missing_labels"]) if results else set()
        return Scored(
            model=ModelInfo.model_validate(body["model"]),
            labels=set(LABELS) - missing,
            scores=[r["scores"] for r in results],
        )

    async def aclose(self) -> None:
        await self.http.aclose()
