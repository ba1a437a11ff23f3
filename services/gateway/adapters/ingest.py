"""Ingest's internal `POST /internal/v1/posts`, for comments the Perspective endpoint also sends
down the pipeline, with the scores it already has (so the classifier does not read them again)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from services.contracts.events import Scores
from services.shared.internal import internal_headers

log = logging.getLogger(__name__)


class IngestClient:
    def __init__(self, base_url: str, token: str | None, timeout: float = 5.0) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=internal_headers(token)
        )

    async def submit(self, tenant: str, post: dict[str, Any], scored: Scores) -> None:
        """Best effort, for the platform whose key the gateway checked: a refusal or an outage
        is logged, never raised to the caller."""
        body = {"tenant": tenant, "post": post, "scored": scored.model_dump(mode="json")}
        try:
            answer = await self.http.post("/internal/v1/posts", json=body)
            if answer.status_code >= 300:
                log.warning("pipeline submit refused", extra={"status": answer.status_code})
        except httpx.HTTPError as error:
            log.warning("pipeline submit failed", extra={"error": repr(error)})

    async def aclose(self) -> None:
        await self.http.aclose()
