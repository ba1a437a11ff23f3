"""Communities' mood for platforms and moderators: each community's state (calm or in a
negativity wave), its windows, and the alerts pulse raised. Read with a platform key that
has `pulse:read`, or a moderator token. Built from pulse's topics (the gateway's own view).
A post without a community belongs to the community `_`."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.gateway.api.deps import CommunitiesDep, PulseReader
from services.gateway.domain.views import CommunityAlertView
from services.shared.errors import ApiError

router = APIRouter(prefix="/v1/communities", tags=["communities"])
ERRORS = {
    401: {"description": "Missing or invalid key or token"},
    403: {"description": "A platform key without the pulse:read scope"},
    429: {"description": "Over the key's rate limit (see Retry-After)"},
}
NO_COMMUNITY = "_"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CommunityState(BaseModel):
    community: str | None = Field(examples=["support"])
    state: str = Field(description="calm or wave", examples=["wave"])
    since: str | None = Field(description="When the state began (the alert's window end).")
    escalated: bool = False
    latest_windows: dict[str, dict[str, Any]] = Field(
        description="The latest closed window of each length (seconds -> rates).",
        examples=[{"300": {"volume": 42, "negative_rate": 0.31, "toxicity_rate": 0.12}}],
    )


class CommunityList(BaseModel):
    data: list[CommunityState]
    next_cursor: str | None = None


class AlertList(BaseModel):
    data: list[CommunityAlertView]
    next_cursor: str | None = None


class Pulse(BaseModel):
    community: str | None
    state: str = Field(examples=["calm"])
    since: str | None
    escalated: bool
    window_seconds: int = Field(examples=[3600])
    windows: list[dict[str, Any]] = Field(description="The latest windows, oldest first.")
    alerts: list[CommunityAlertView] = Field(
        description="This community's latest alerts, newest first (as its webhooks get them)."
    )


def seconds_of(window: str) -> int:
    found = re.fullmatch(r"(\d+)([smhd]?)", window.strip())
    if not found or int(found.group(1)) == 0:
        raise ApiError(422, "invalid_window", "A window looks like 5m, 1h, 24h or 300.")
    return int(found.group(1)) * UNITS[found.group(2) or "s"]


@router.get("", response_model=CommunityList, responses=ERRORS)
async def list_communities(tenant: PulseReader, communities: CommunitiesDep) -> CommunityList:
    """Every community of your platform with its state now: calm, or in a negativity wave."""
    found = await communities.all(tenant)
    return CommunityList(data=[CommunityState(**c) for c in found])


@router.get("/alerts", response_model=AlertList, responses=ERRORS)
async def list_alerts(
    tenant: PulseReader,
    communities: CommunitiesDep,
    community: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AlertList:
    """Negativity waves that started, grew or ended, newest first, with their evidence."""
    name = None if community is None else ("" if community == NO_COMMUNITY else community)
    found = await communities.alerts(tenant, name, limit)
    return AlertList(data=[CommunityAlertView(**a) for a in found])


@router.get(
    "/{community}/pulse",
    response_model=Pulse,
    responses={**ERRORS, 404: {"description": "No window of this community yet"}, 422: {}},
)
async def community_pulse(
    community: str,
    tenant: PulseReader,
    communities: CommunitiesDep,
    window: Annotated[str, Query(description="Window length: 5m, 1h, 24h, or seconds")] = "5m",
    last: Annotated[int, Query(ge=1, le=288)] = 12,
) -> Pulse:
    """One community's mood: its latest windows of one length (volume, toxicity, negative
    and civil-criticism rates, share actioned), its state and its latest alerts."""
    seconds = seconds_of(window)
    name = "" if community == NO_COMMUNITY else community
    found = await communities.one(tenant, name, seconds, last)
    if found is None:
        raise ApiError(404, "community_not_found", f"No window of community {community!r} yet.")
    alerts = await communities.alerts(tenant, name, 10)
    return Pulse(
        community=name or None,
        state=found["state"],
        since=found["since"],
        escalated=found["escalated"],
        window_seconds=seconds,
        windows=found["windows"],
        alerts=[CommunityAlertView(**a) for a in alerts],
    )
