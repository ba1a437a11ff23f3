"""The gateway's internal decisions API (`/internal/v1/...`): the desk reads the decisions of a
case's post and author, the conversation around the post, and a dry run's or a backtest's decisions, from the one read model the
gateway keeps, rather than storing every decision twice."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from services.contracts.conversations import Conversation
from services.contracts.events import Decision
from services.shared.internal import answer_of, internal_headers
from services.shared.paging import Listing

FIRST_BATCH = 1000  # post ids per request (the API's limit)


class DecisionsUnavailable(Exception):
    pass


_Decisions = Listing[Decision]  # the shape every answer of that API has


class DecisionLedger:
    def __init__(self, base_url: str, timeout: float, token: str | None) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, headers=internal_headers(token)
        )

    async def _get(self, path: str, **params: int) -> list[Decision]:
        return _Decisions.model_validate_json(await self._call("GET", path, params=params)).data

    async def _call(self, method: str, path: str, **kwargs) -> bytes:
        return await answer_of(self.http, method, path, DecisionsUnavailable, **kwargs)

    async def history(self, post_id: str) -> list[Decision]:
        """Every revision of the post's decision, oldest first."""
        return await self._get(f"/internal/v1/posts/{quote(post_id, safe='')}/decisions")

    async def by_author(self, tenant: str, author_id: str, limit: int = 20) -> list[Decision]:
        path = f"/internal/v1/tenants/{quote(tenant, safe='')}/authors/{quote(author_id, safe='')}/decisions"
        return await self._get(path, limit=limit)

    async def conversation(
        self, tenant: str, post_id: str, author_id: str, around: int = 5, recent: int = 10
    ) -> Conversation:
        """The post's parent, thread neighbours and its author's recent posts (the gateway keeps
        what posts said)."""
        path = f"/internal/v1/tenants/{quote(tenant, safe='')}/posts/{quote(post_id, safe='')}/conversation"
        params = {"author_id": author_id, "around": around, "recent": recent}
        return Conversation.model_validate_json(await self._call("GET", path, params=params))

    async def recent(self, tenant: str, limit: int) -> list[Decision]:
        return await self._get(
            f"/internal/v1/tenants/{quote(tenant, safe='')}/decisions", last=limit
        )

    async def first_of(self, post_ids: list[str]) -> dict[str, Decision]:
        found: dict[str, Decision] = {}
        for start in range(0, len(post_ids), FIRST_BATCH):
            body = {"post_ids": post_ids[start : start + FIRST_BATCH]}
            raw = await self._call("POST", "/internal/v1/decisions/first", json=body)
            found |= {d.post_id: d for d in _Decisions.model_validate_json(raw).data}
        return found

    async def aclose(self) -> None:
        await self.http.aclose()
