"""Reply templates per community (admins edit them; everyone who replies reads them), and time
to first response per community and queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from services.contracts import topics
from services.contracts.events import ReplyTemplateChanged
from services.contracts.text import PRINTABLE, unencodable
from services.outreach.api.deps import (
    Admin,
    AnyStaff,
    BrokerDep,
    CasesDep,
    SettingsDep,
    TemplatesDep,
)
from services.outreach.api.publishing import published
from services.outreach.domain.replies import PLACEHOLDERS, unknown_placeholders
from services.shared.errors import ApiError
from services.shared.paging import Listing

router = APIRouter(prefix="/v1/moderation", tags=["replies"])
Name = Annotated[str, Path(min_length=1, max_length=100, pattern=PRINTABLE)]
Community = Annotated[str | None, Query(min_length=1, max_length=256, pattern=PRINTABLE)]
ERRORS = {
    401: {"description": "Missing or invalid moderator token"},
    403: {"description": "Editing templates needs the admin role"},
    422: {"description": "A template too long, or with an unknown placeholder"},
    503: {"description": "Kafka did not take it; nothing changed, retry"},
}


class Template(BaseModel):
    name: str = Field(examples=["thanks-fixed"])
    community: str | None = Field(description="None: for every community.", examples=["help"])
    text: str = Field(examples=["Thanks for raising {theme} in {community}: it is fixed now."])
    saved_by: str = Field(examples=["cm-ana"])
    saved_at: datetime


class TemplateList(Listing[Template]):
    """The templates usable in a community (its own, then every community's)."""


class TemplateBody(BaseModel):
    text: str = Field(min_length=1, max_length=100_000,
                      examples=["Thanks for raising this in {community}: the team has it."])  # fmt: skip
    community: str | None = Field(default=None, min_length=1, max_length=256, pattern=PRINTABLE)


@router.get("/reply-templates", response_model=TemplateList, responses=ERRORS)
async def list_templates(
    staff: AnyStaff, templates: TemplatesDep, community: Community = None
) -> TemplateList:
    """The reply templates, or those usable in `community`."""
    listed = await templates.listed(staff.tenant, community)
    return TemplateList(data=[Template(**t) for t in listed])


@router.put("/reply-templates/{name}", status_code=202, response_model=Template, responses=ERRORS)
async def save_template(
    name: Name, body: TemplateBody, admin: Admin, broker: BrokerDep, settings: SettingsDep
) -> Template:
    """Save a template for one community, or for every one. Placeholders: `{community}` and
    `{theme}`; any other `{name}` is refused, so no reply goes out with a hole in it."""
    if unknown := unknown_placeholders(body.text):
        raise ApiError(422, "unknown_placeholder",
                       f"Unknown placeholders {unknown}; known: {list(PLACEHOLDERS)}.",
                       {"unknown": unknown, "known": list(PLACEHOLDERS)})  # fmt: skip
    limit = settings.reply_max_chars
    if unencodable(body.text) or len(body.text) > limit:
        raise ApiError(422, "invalid_text", f"A template holds at most {limit} characters, no NUL.")
    change = ReplyTemplateChanged(tenant=admin.tenant, community=body.community, name=name,
                                  text=body.text, actor=admin.staff_id)  # fmt: skip
    await published(broker, change, topics.REPLY_TEMPLATES, topics.tenant_key(change.tenant))
    return Template(name=name, community=body.community, text=body.text,
                    saved_by=admin.staff_id, saved_at=change.occurred_at)  # fmt: skip


class Removed(BaseModel):
    removed: str = Field(examples=["thanks-fixed"])


@router.delete("/reply-templates/{name}", status_code=202, response_model=Removed,
               responses=ERRORS)  # fmt: skip
async def remove_template(
    name: Name, admin: Admin, broker: BrokerDep, community: Community = None
) -> Removed:
    """Remove a template (the one for `community`, or the one for every community)."""
    change = ReplyTemplateChanged(tenant=admin.tenant, community=community, name=name,
                                  removed=True, actor=admin.staff_id)  # fmt: skip
    await published(broker, change, topics.REPLY_TEMPLATES, topics.tenant_key(change.tenant))
    return Removed(removed=name)


class ResponseTimesView(BaseModel):
    community: str | None = Field(examples=["help"])
    queue: str = Field(examples=["feedback"])
    answered: int = Field(description="First replies in the period.", examples=[42])
    mean_seconds: float | None = Field(examples=[1860.0])
    within: dict[str, int] = Field(
        description="First replies within each edge: `le5` within 5 minutes ... `le1440` a day.",
        examples=[{"le5": 3, "le15": 9, "le60": 30, "le240": 40, "le1440": 42}],
    )


class ResponseTimesList(Listing[ResponseTimesView]):
    """Time to first response per community and queue over the period."""


@router.get("/responses", response_model=ResponseTimesList, responses=ERRORS)
async def first_responses(
    staff: AnyStaff,
    cases: CasesDep,
    days: Annotated[
        int, Query(ge=1, le=366, description="The last `days` days, today included")
    ] = 7,
) -> ResponseTimesList:
    """How long members waited for the first reply to a case's post, per community and queue:
    one read per day of the period, however many cases it held."""
    last = datetime.now(UTC).date()
    found = await cases.response_times(staff.tenant, last - timedelta(days=days - 1), last)
    return ResponseTimesList(data=[ResponseTimesView(
        community=r.community, queue=r.queue, answered=r.answered,
        mean_seconds=r.mean_seconds, within=r.within) for r in found])  # fmt: skip
