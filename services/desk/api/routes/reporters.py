"""Muting a member whose reports are consistently rejected: their reports are still recorded,
and never counted (no case opened, no priority raised by them). A moderator's call, as an
event escalation applies to the next reports; it lapses after `hours`, or when unmuted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from services.contracts import topics
from services.contracts.events import ReporterMuted
from services.contracts.text import PRINTABLE
from services.desk.api.deps import BrokerDep, Moderator, require_role
from services.desk.domain.access import Role
from services.shared.errors import ApiError

router = APIRouter(prefix="/v1/moderation/reporters", tags=["moderation"])
ModeratorRole = Annotated[Moderator, Depends(require_role(Role.MODERATOR))]
Reporter = Annotated[str, Path(min_length=1, max_length=256, pattern=PRINTABLE)]
ERRORS = {
    401: {"description": "Missing or invalid moderator token"},
    403: {"description": "Triage may not mute reporters"},
    503: {"description": "Kafka did not take it; nothing changed, retry"},
}


class Mute(BaseModel):
    reason: str = Field(min_length=3, max_length=500, examples=["12 of 12 reports rejected"])
    hours: int | None = Field(default=None, ge=1, le=24 * 365, description="None: until unmuted")


class MuteRecorded(BaseModel):
    event_id: str = Field(examples=["0b9c4a1e-3d2f-4e5a-9b8c-7d6e5f4a3b2c"])
    reporter_id: str = Field(examples=["user-42"])
    muted: bool
    until: datetime | None = None


@router.put("/{reporter_id}/mute", status_code=202, response_model=MuteRecorded, responses=ERRORS)
async def mute(
    reporter_id: Reporter, body: Mute, moderator: ModeratorRole, broker: BrokerDep
) -> MuteRecorded:
    """Mute the member's reports (for `hours`, or until unmuted)."""
    until = datetime.now(UTC) + timedelta(hours=body.hours) if body.hours else None
    return await recorded(broker, moderator, reporter_id, True, body.reason, until)


@router.delete("/{reporter_id}/mute", status_code=202, response_model=MuteRecorded,
               responses=ERRORS)  # fmt: skip
async def unmute(
    reporter_id: Reporter, moderator: ModeratorRole, broker: BrokerDep
) -> MuteRecorded:
    """Count the member's reports again."""
    return await recorded(broker, moderator, reporter_id, False, "unmuted", None)


async def recorded(broker, moderator: Moderator, reporter_id: str, muted: bool, reason: str,
                   until: datetime | None) -> MuteRecorded:  # fmt: skip
    event = ReporterMuted(tenant=moderator.tenant, reporter_id=reporter_id, muted=muted,
                          moderator_id=moderator.moderator_id, reason=reason, until=until)  # fmt: skip
    key = topics.member_key(moderator.tenant, reporter_id)
    try:
        await broker.publish(event.model_dump(mode="json"), topics.REPORTER_MUTES, key=key)
    except (KafkaError, TimeoutError) as error:
        raise ApiError(503, "unavailable", "Could not record it; retry.",
                       headers={"Retry-After": "5"}) from error  # fmt: skip
    return MuteRecorded(event_id=event.event_id, reporter_id=reporter_id, muted=muted, until=until)
