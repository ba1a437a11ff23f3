"""Authors for platforms: the sanctions (warn, mute, suspend, ban) on one of your authors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.contracts.public import SanctionView, sanction_view
from services.gateway.api.deps import DecisionStoreDep, PlatformReader
from services.shared.paging import Page
from services.shared.platforms import position_of

router = APIRouter(prefix="/v1/authors", tags=["authors"])
ERRORS = {
    401: {"description": "Missing or invalid API key"},
    403: {"description": "The key lacks the decisions:read scope"},
    422: {"description": "A cursor this API did not give out"},
    429: {"description": "Over the key's rate limit (see Retry-After)"},
}


class SanctionList(Page[SanctionView]):
    """One page of sanctions."""


@router.get("/{author_id}/sanctions", response_model=SanctionList, responses=ERRORS)
async def list_sanctions(
    author_id: str,
    platform: PlatformReader,
    decisions: DecisionStoreDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
) -> SanctionList:
    """The author's sanctions, newest first (an author no one sanctioned has an empty list).
    Each says when it started and, if timed, when it expires."""
    found, next_cursor = await decisions.sanctions(
        platform.tenant, author_id, position_of(cursor), limit
    )
    return SanctionList(data=[sanction_view(s) for s in found], next_cursor=next_cursor)
