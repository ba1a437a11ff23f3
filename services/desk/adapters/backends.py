"""The documented HTTP APIs of the services the desk serves people from: pulse's feedback
digest, and outreach's replies. The desk admits the caller first; these calls carry the
deployment's internal token (and, for outreach, who the caller is)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from services.shared.internal import internal_headers


class BackendUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    media_type: str
    body: bytes


class Backend:
    def __init__(self, name: str, base_url: str, timeout: float, token: str | None) -> None:
        self.name = name
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=internal_headers(token)
        )

    async def call(self, method: str, path: str, **request) -> Answer:
        """The answer as it came (a 4xx is the caller's to read); 5xx or no answer raises."""
        try:
            response = await self.http.request(method, path, **request)
        except httpx.HTTPError as error:
            raise BackendUnavailable(f"{self.name} unreachable: {error!r}") from error
        if response.status_code >= 500:
            raise BackendUnavailable(f"{self.name} answered {response.status_code}")
        media_type = response.headers.get("content-type", "application/json").split(";")[0]
        return Answer(response.status_code, media_type, response.content)

    async def aclose(self) -> None:
        await self.http.aclose()
