"""Themes the product team owns: a theme of a community's feedback digest gets a status
(`new`, `forwarded`, `planned`, `fixed`, `declined`), an owner and a link to the team's tracker,
each change an event the digest shows. Once it is fixed, the community manager tells every
member whose remark the theme took, once each: previewed first, then sent as replies."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from faststream.kafka import KafkaBroker
from pydantic import AnyHttpUrl, BaseModel, Field

from services.contracts import topics
from services.contracts.events import ReplyWritten, ThemeChanged, ThemeStatus
from services.contracts.text import PRINTABLE
from services.outreach import metrics
from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.pulse import PulseUnavailable, ThemeNotFound
from services.outreach.api.deps import (
    AnyStaff,
    BrokerDep,
    CasesDep,
    DecisionsDep,
    PulseDep,
    Replier,
    SettingsDep,
    Staff,
    TemplatesDep,
    ThemesDep,
)
from services.outreach.api.publishing import published
from services.outreach.api.routes.replies import ReplyBody, written
from services.outreach.domain.themes import Told, answerable, may_tell, to_tell
from services.shared.errors import ApiError
from services.shared.paging import Listing

router = APIRouter(prefix="/v1/moderation/themes", tags=["themes"])
ERRORS = {
    401: {"description": "Missing or invalid moderator token"},
    403: {"description": "Themes need the community_manager role or above"},
    404: {"description": "No such theme in the period's digest"},
    409: {"description": "The theme is not fixed yet"},
    422: {"description": "A bad status, URL or reply"},
    503: {"description": "Kafka or pulse did not answer; retry"},
}
Community = Annotated[str | None, Query(min_length=1, max_length=256, pattern=PRINTABLE)]


class ThemeNamed(BaseModel):
    community: str | None = Field(default=None, min_length=1, max_length=256, pattern=PRINTABLE,
                                  examples=["help"])  # fmt: skip
    theme: str = Field(min_length=1, max_length=200, examples=["dark mode"])
    language: str | None = Field(default=None, max_length=16, examples=["en"],
                                 description="As the digest names it; None: undetermined.")  # fmt: skip


class Ownership(ThemeNamed):
    status: ThemeStatus = Field(examples=["forwarded"])
    owner: str | None = Field(default=None, max_length=200, examples=["maria (editor team)"])
    tracker_url: AnyHttpUrl | None = Field(default=None, examples=["https://tracker.example/ED-41"])
    note: str = Field(default="", max_length=2000)


class OwnedTheme(Ownership):
    actor: str = Field(examples=["cm-ana"])
    occurred_at: str = Field(description="When it last changed (ISO 8601).")


class OwnedThemes(Listing[OwnedTheme]):
    """The community's themes the product team owns, by theme."""


@router.put("", status_code=202, response_model=OwnedTheme, responses=ERRORS)
async def own_theme(body: Ownership, staff: Replier, broker: BrokerDep) -> OwnedTheme:
    """Set a theme's status, owner and tracker link (forwarded to the team, planned, fixed,
    declined): an event, shown in the digest."""
    change = ThemeChanged(tenant=staff.tenant, community=body.community, theme=body.theme,
                          language=body.language, status=body.status, owner=body.owner,
                          tracker_url=str(body.tracker_url) if body.tracker_url else None,
                          note=body.note, actor=staff.staff_id)  # fmt: skip
    key = topics.community_key(staff.tenant, body.community)
    await published(broker, change, topics.THEMES, key)
    return OwnedTheme(**change.model_dump(mode="json", include=set(OwnedTheme.model_fields)))


@router.get("", response_model=OwnedThemes, responses=ERRORS)
async def owned_themes(
    staff: AnyStaff, themes: ThemesDep, community: Community = None
) -> OwnedThemes:
    """The community's themes with a status, owner or tracker link."""
    return OwnedThemes(
        data=[OwnedTheme(**t) for t in await themes.of_community(staff.tenant, community)]
    )


class TellMembers(ThemeNamed, ReplyBody):
    since: str = Field(default="30d", pattern=r"^\d{1,4}[dh]$|^\d{4}-",
                       description="The digest's period: a time ago (30d) or ISO 8601.")  # fmt: skip
    send: bool = Field(default=False, description="False: preview whom it would reach.")


class Reached(BaseModel):
    post_id: str
    author_id: str
    outcome: Literal["preview", "sent", "already_sent"]


class TellResult(BaseModel):
    theme: str = Field(examples=["dark mode"])
    text: str = Field(examples=["Thanks for telling us about dark mode: it is fixed."])
    members: int = Field(description="Members whose remark the theme took.", examples=[42])
    reached: list[Reached] = Field(description="One post each, at most TELL_MEMBERS_MAX.")
    left_out: int = Field(
        default=0, description="Of those, members whose post was removed since: not told."
    )
    sent: int
    already_sent: int


@router.post("/tell-members", response_model=TellResult, responses=ERRORS)
async def tell_members(
    body: TellMembers, staff: Replier, themes: ThemesDep, pulse: PulseDep, cases: CasesDep,
    decisions: DecisionsDep, templates: TemplatesDep, broker: BrokerDep, settings: SettingsDep,
) -> TellResult:  # fmt: skip
    """Preview (`send: false`), then send one reply to each member whose remark the fixed theme
    took: a retry tells no one twice."""
    if reason := may_tell(
        await themes.get(staff.tenant, body.community, body.language, body.theme)
    ):
        raise ApiError(409, "theme_not_fixed", reason)
    text = await written(body, staff, body.community, templates, settings.reply_max_chars)
    try:
        members = await pulse.members(
            staff.tenant, body.community, body.theme, body.language, body.since
        )
    except ThemeNotFound as error:
        raise ApiError(
            404, "theme_not_found", f"No theme {body.theme!r} in that period's digest."
        ) from error
    except PulseUnavailable as error:
        raise ApiError(
            503, "pulse_unavailable", str(error), headers={"Retry-After": "5"}
        ) from error
    told, total = to_tell(members, staff.tenant, body.community, body.language, body.theme,
                          settings.tell_members_max)  # fmt: skip
    latest = await decisions.latest_of([one.post_id for one in told])
    kept = answerable(told, latest, staff.tenant)
    reached = [await reach(one, body, staff, text, cases, broker) for one in kept]
    counts = {o: sum(r.outcome == o for r in reached) for o in ("sent", "already_sent")}
    metrics.REPLIES.labels("sent").inc(counts["sent"])
    return TellResult(theme=body.theme, text=text, members=total, reached=reached,
                      left_out=len(told) - len(kept), **counts)  # fmt: skip


async def reach(one: Told, body: TellMembers, staff: Staff, text: str, cases: OpenCases,
                broker: KafkaBroker) -> Reached:  # fmt: skip
    """One member told (or, previewing, who would be); never twice for the same theme."""
    if not body.send:
        return Reached(post_id=one.post_id, author_id=one.author_id, outcome="preview")
    if await cases.sent_on(one.reply_id, staff.tenant):
        return Reached(post_id=one.post_id, author_id=one.author_id, outcome="already_sent")
    reply = ReplyWritten(
        event_id=one.reply_id, reply_id=one.reply_id, tenant=staff.tenant, post_id=one.post_id,
        post_author_id=one.author_id, community=body.community, text=text,
        author_role=staff.role.label, written_by=staff.staff_id, theme=body.theme,
        template=body.template,
    )  # fmt: skip
    await published(
        broker,
        reply,
        topics.REPLIES,
        topics.author_key(reply.tenant, reply.post_author_id),
        "Some replies were not sent; send again (no member is told twice).",
    )
    await cases.mark_sent(one.reply_id, staff.tenant, one.post_id, None)
    return Reached(post_id=one.post_id, author_id=one.author_id, outcome="sent")
