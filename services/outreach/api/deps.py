"""Who calls outreach: the desk, with the deployment's internal token, for a moderator or
community manager it admitted (token or console session), named in the `x-staff-*` headers.
No one else: outreach holds no credentials of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from faststream.kafka import KafkaBroker

from services.contracts.credentials import Role
from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.decisions import Decisions
from services.outreach.adapters.digests import DigestBook
from services.outreach.adapters.health import HealthBook
from services.outreach.adapters.pulse import Pulse
from services.outreach.adapters.templates import ReplyTemplates
from services.outreach.adapters.themes import ThemeBook
from services.outreach.config import Settings
from services.shared.api import from_state
from services.shared.errors import ApiError
from services.shared.internal import STAFF_ID, STAFF_ROLE, STAFF_TENANT, InternalCaller
from services.shared.targets import WebhookTargets

SettingsDep = Annotated[Settings, Depends(from_state("settings"))]
BrokerDep = Annotated[KafkaBroker, Depends(from_state("broker"))]
CasesDep = Annotated[OpenCases, Depends(from_state("cases"))]
TemplatesDep = Annotated[ReplyTemplates, Depends(from_state("templates"))]
DecisionsDep = Annotated[Decisions, Depends(from_state("decisions"))]
PulseDep = Annotated[Pulse, Depends(from_state("pulse"))]
ThemesDep = Annotated[ThemeBook, Depends(from_state("themes"))]
DigestsDep = Annotated[DigestBook, Depends(from_state("digests"))]
HealthDep = Annotated[HealthBook, Depends(from_state("health"))]
ChatTargetsDep = Annotated[WebhookTargets, Depends(from_state("chat_targets"))]


@dataclass(frozen=True)
class Staff:
    tenant: str
    staff_id: str
    role: Role


async def _staff(request: Request, _: Annotated[None, InternalCaller]) -> Staff:
    tenant, staff_id = request.headers.get(STAFF_TENANT), request.headers.get(STAFF_ID)
    try:
        role = Role.parse(request.headers.get(STAFF_ROLE, ""))
    except ValueError:
        role = None
    if not tenant or not staff_id or role is None:
        raise ApiError(401, "staff_unknown", "Call through the desk: it names who is acting.")
    return Staff(tenant, staff_id, role)


def require_role(minimum: Role):
    async def check(staff: Annotated[Staff, Depends(_staff)]) -> Staff:
        if staff.role < minimum:
            raise ApiError(403, "forbidden", f"This needs the {minimum.label} role.")
        return staff

    return check


AnyStaff = Annotated[Staff, Depends(_staff)]
Replier = Annotated[Staff, Depends(require_role(Role.COMMUNITY_MANAGER))]
Admin = Annotated[Staff, Depends(require_role(Role.ADMIN))]
