"""Ingest's `POST /v1/posts`, for comments the Perspective endpoint also sends down the pipeline."""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


class IngestClient:
    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout)

    async def submit(self, post: dict[str, Any], token: str) -> None:
        """Best effort, on the platform's own key: a refusal or an outage is logged, never
        raised to the caller."""
        try:
            headers = {"authorization": f"Bearer {token}"}
            answer = await self.http.post("/v1/posts", json=post, headers=headers)
            if answer.status_code >= 300:
                log.warning("pipeline submit refused", extra={"status": answer.status_code})
        except httpx.HTTPError as error:
            log.warning("pipeline submit failed", extra={"error": repr(error)})

    async def aclose(self) -> None:
        await self.http.aclose()
