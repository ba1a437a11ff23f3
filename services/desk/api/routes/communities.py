"""Communities' mood for platforms and moderators: each community's state (calm or in a
negativity wave, or in crisis mode), its windows, and the alerts pulse raised; admins switch
crisis mode and members' pile-on shields by hand. Read with a platform key that has
`pulse:read`, or a moderator token. Built from pulse's topics (the desk's own view); a post
without a community belongs to the community `_`."""

from __future__ import annotations

import re
from typing import Annotated, Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Path, Query
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, Field, StrictBool

from services.contracts import topics
from services.contracts.events import CrisisCommand, ShieldCommand
from services.contracts.public import CommunityAlertView
from services.contracts.text import PRINTABLE
from services.desk.api.deps import Admin, BrokerDep, CommunitiesDep, PulseReader
from services.shared.errors import ApiError
from services.shared.paging import Listing

router = APIRouter(prefix="/v1/communities", tags=["communities"])
ERRORS = {
    401: {"description": "Missing or invalid key or token"},
    403: {"description": "A platform key without the pulse:read scope"},
    429: {"description": "Over the key's rate limit (see Retry-After)"},
}
NO_COMMUNITY = "_"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CrisisMode(BaseModel):
    on: bool
    since: str = Field(description="When escalation applied the switch.")
    source: str = Field(description="wave (automatic, by policy) or moderator", examples=["wave"])
    actor: str = Field(examples=["pulse"])
    reason: str = ""


class CommunityState(BaseModel):
    community: str | None = Field(examples=["support"])
    state: str = Field(description="calm, wave or crisis", examples=["wave"])
    since: str | None = Field(description="When the wave began or ended (the alert's window end).")
    escalated: bool = False
    crisis: CrisisMode | None = Field(default=None, description="The last crisis switch, if any.")
    latest_windows: dict[str, dict[str, Any]] = Field(
        description="The latest closed window of each length (seconds -> rates).",
        examples=[{"300": {"volume": 42, "negative_rate": 0.31, "toxicity_rate": 0.12}}],
    )


class CommunityList(Listing[CommunityState]):
    """Every one of the communities."""


class AlertList(Listing[CommunityAlertView]):
    """Every one of the alerts."""


class Pulse(BaseModel):
    community: str | None
    state: str = Field(description="calm, wave or crisis", examples=["calm"])
    since: str | None
    escalated: bool
    crisis: CrisisMode | None = None
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
        crisis=found["crisis"],
        window_seconds=seconds,
        windows=found["windows"],
        alerts=[CommunityAlertView(**a) for a in alerts],
    )


admin = APIRouter(prefix="/v1/admin/communities", tags=["admin"])


class Switch(BaseModel):
    # strict: a 0 or "no" is not taken for false on a switch that changes what moderators see
    on: StrictBool = Field(description="true switches it on, false lifts it.")
    reason: str = Field(
        min_length=3,
        max_length=500,
        description="Why: kept with the switch for the audit trail.",
        examples=["Raid after the patch announcement"],
    )


class SwitchAccepted(BaseModel):
    command_id: str = Field(examples=["3f1c2a9e-5b7d-4e1a-9c3f-2d4b6a8e0f11"])
    community: str | None = Field(examples=["support"])
    on: bool


SWITCH_ERRORS = {
    401: {"description": "Missing or invalid token"},
    403: {"description": "Not an admin"},
    503: {"description": "Kafka did not take the switch; nothing changed, retry"},
}
Community = Annotated[str, Path(max_length=128)]


async def sent(broker: KafkaBroker, command: BaseModel, topic: str, key: bytes) -> None:
    try:
        await broker.publish(command.model_dump(mode="json"), topic, key=key)
    except (KafkaError, TimeoutError) as error:  # Kafka unreachable: nothing was switched
        raise ApiError(503, "unavailable", "Could not record the switch; retry.",
                       headers={"Retry-After": "5"}) from error  # fmt: skip


@admin.put("/{community}/crisis", status_code=202, response_model=SwitchAccepted,
           responses=SWITCH_ERRORS)  # fmt: skip
async def switch_crisis(
    community: Community, body: Switch, moderator: Admin, broker: BrokerDep
) -> SwitchAccepted:
    """Switch a community's crisis mode on or off by hand: the policy's `crisis.factor`
    tightens its thresholds. Escalation applies it to the next posts within a second or so; the
    community's state (`GET /v1/communities`) shows it once applied."""
    name = None if community == NO_COMMUNITY else community
    command = CrisisCommand(tenant=moderator.tenant, community=name, on=body.on,
                            moderator_id=moderator.moderator_id, reason=body.reason)  # fmt: skip
    await sent(broker, command, topics.CRISIS_COMMANDS, topics.community_key(command.tenant, name))
    return SwitchAccepted(command_id=command.event_id, community=name, on=body.on)


@admin.put("/{community}/shields/{member}", status_code=202, response_model=SwitchAccepted,
           responses=SWITCH_ERRORS)  # fmt: skip
async def switch_shield(
    community: Community,
    member: Annotated[str, Path(min_length=1, max_length=256, pattern=PRINTABLE)],
    body: Switch,
    moderator: Admin,
    broker: BrokerDep,
) -> SwitchAccepted:
    """Shield a member in a community by hand, or lift a shield (a pile-on's or your own):
    replies and mentions aimed at them there are judged with the policy's `shield.factor`
    and new accounts' replies are held. A pile-on's end lifts only the shields pile-ons switched
    on. Escalation applies it to the next posts within a second or so."""
    name = None if community == NO_COMMUNITY else community
    command = ShieldCommand(tenant=moderator.tenant, community=name, member=member, on=body.on,
                            moderator_id=moderator.moderator_id, reason=body.reason)  # fmt: skip
    await sent(broker, command, topics.SHIELD_COMMANDS, topics.member_key(command.tenant, member))
    return SwitchAccepted(command_id=command.event_id, community=name, on=body.on)
