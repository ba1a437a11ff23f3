"""Pulse's documented HTTP API (`GET /v1/feedback/digest`), which the desk serves to
platforms and moderators after checking who may read it."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from services.shared.internal import internal_headers


class PulseUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: bytes


class PulseClient:
    def __init__(self, base_url: str, timeout: float, token: str | None) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=internal_headers(token)
        )

    async def digest(self, params: dict[str, str]) -> Answer:
        try:
            response = await self.http.get("/v1/feedback/digest", params=params)
        except httpx.HTTPError as error:
            raise PulseUnavailable(f"pulse unreachable: {error!r}") from error
        if response.status_code >= 500:
            raise PulseUnavailable(f"pulse answered {response.status_code}")
        media_type = response.headers.get("content-type", "application/json").split(";")[0]
        return Answer(response.status_code, media_type, response.content)

    async def aclose(self) -> None:
        await self.http.aclose()
