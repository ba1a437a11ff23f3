"""Pulse's internal API: a community's digest, and the posts one of its themes took, with
their authors."""

from __future__ import annotations

import json

import httpx

from services.shared.internal import internal_headers


class PulseUnavailable(Exception):
    pass


class ThemeNotFound(Exception):
    pass


class Pulse:
    def __init__(self, base_url: str, timeout: float, token: str | None) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=internal_headers(token)
        )

    async def members(self, tenant: str, community: str | None, theme: str,
                      language: str | None, since: str) -> list[dict]:  # fmt: skip
        """[{post_id, author_id, at}], newest first; ThemeNotFound if the period's digest has
        no such theme."""
        params = {"tenant": tenant, "community": community or "_", "theme": theme,
                  "since": since, **({"language": language} if language else {})}  # fmt: skip
        try:
            response = await self.http.get("/v1/feedback/theme", params=params)
        except httpx.HTTPError as error:
            raise PulseUnavailable(f"pulse unreachable: {error!r}") from error
        if response.status_code == 404:
            raise ThemeNotFound(theme)
        if response.status_code != 200:
            raise PulseUnavailable(f"pulse answered {response.status_code}: {response.text[:200]}")
        return response.json()["members"]

    async def themes(
        self, tenant: str, community: str | None, since: str, until: str
    ) -> list[dict]:
        """The digest's themes of the period, each with how the product team owns it."""
        return json.loads(await self.digest(tenant, community, since, until, "json"))["themes"]

    async def digest(self, tenant: str, community: str | None, since: str, until: str,
                     format: str = "markdown") -> str:  # fmt: skip
        """The community's digest of the period, as Markdown (or JSON)."""
        params = {"tenant": tenant, "community": community or "_", "since": since,
                  "until": until, "format": format}  # fmt: skip
        try:
            response = await self.http.get("/v1/feedback/digest", params=params)
        except httpx.HTTPError as error:
            raise PulseUnavailable(f"pulse unreachable: {error!r}") from error
        if response.status_code != 200:
            raise PulseUnavailable(f"pulse answered {response.status_code}: {response.text[:200]}")
        return response.text

    async def aclose(self) -> None:
        await self.http.aclose()
