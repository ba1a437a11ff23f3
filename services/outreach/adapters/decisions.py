"""The gateway's internal decisions API: a post's decisions, to know whether it may be answered
(seen, of this platform, not removed)."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from services.contracts.events import Decision
from services.shared.internal import answer_of, internal_headers
from services.shared.paging import Listing


class DecisionsUnavailable(Exception):
    pass


class Decisions:
    def __init__(self, base_url: str, timeout: float, token: str | None) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=internal_headers(token)
        )

    async def history(self, post_id: str) -> list[Decision]:
        """Every revision of the post's decision, oldest first (none: never decided)."""
        return await self._listed("GET", f"/internal/v1/posts/{quote(post_id, safe='')}/decisions")

    async def latest_of(self, post_ids: list[str]) -> dict[str, Decision]:
        """Each post's latest decision, up to 1,000 posts a call; posts never decided are left
        out."""
        found: dict[str, Decision] = {}
        for start in range(0, len(post_ids), 1000):
            body = {"post_ids": post_ids[start : start + 1000]}
            listed = await self._listed("POST", "/internal/v1/decisions/latest", json=body)
            found |= {d.post_id: d for d in listed}
        return found

    async def _listed(self, method: str, path: str, **request) -> list[Decision]:
        body = await answer_of(self.http, method, path, DecisionsUnavailable, **request)
        return Listing[Decision].model_validate_json(body).data

    async def aclose(self) -> None:
        await self.http.aclose()
