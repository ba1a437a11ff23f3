"""Pulse's own HTTP API, for the desk (which checks who may read it), outreach and operators:
`GET /v1/feedback/digest`, civil criticism of one community grouped into themes (with how the
product team owns each), and `GET /v1/feedback/theme`, the posts of one theme and their
authors. Internal: it names no tenant's caller, so it admits only the deployment's internal
token."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from services.contracts.events import ThemeStatus
from services.pulse import metrics
from services.pulse.digests import feedback_digest
from services.pulse.domain.mood import Community
from services.pulse.domain.themes import (
    as_csv,
    as_json,
    as_markdown,
    find_theme,
    languages_json,
)
from services.shared.errors import ApiError
from services.shared.internal import InternalCaller
from services.shared.period import BadPeriod, period

router = APIRouter(prefix="/v1/feedback", tags=["feedback"], dependencies=[InternalCaller])
NO_COMMUNITY = "_"


class Example(BaseModel):
    post_id: str
    text: str
    at: float = Field(description="When it was posted (unix seconds).")


class ThemeView(BaseModel):
    theme: str = Field(examples=["dark mode"])
    language: str | None = Field(
        description="The language of its posts (ISO 639-1); null when none could be told.",
        examples=["en"],
    )
    count: int = Field(examples=[42])
    previous: int = Field(description="Posts with the theme in the period before.", examples=[12])
    trend: float | None = Field(
        description="Change against the period before (2.5 = three and a half times as many); "
        "null when the theme is new.",
        examples=[2.5],
    )
    examples: list[Example]
    status: ThemeStatus = Field(
        default=ThemeStatus.NEW, description="How the product team owns it (from outreach)."
    )
    owner: str | None = None
    tracker_url: str | None = None


class LanguageView(BaseModel):
    language: str | None = Field(
        description="ISO 639-1; null for posts whose language could not be told (short posts, "
        "or kept before languages were) when they outnumber the main language; otherwise "
        "they are counted in it.",
        examples=["de"],
    )
    total: int = Field(description="Posts of civil criticism in this language.")
    unthemed: int
    themes: list[ThemeView]


class FeedbackDigest(BaseModel):
    tenant: str
    community: str | None
    since: datetime
    until: datetime
    total: int = Field(description="Posts of civil criticism in the period (read at most 5,000).")
    unthemed: int = Field(description="Posts that fit no theme.")
    themes: list[ThemeView] = Field(description="Every language's themes, the most posts first.")
    languages: list[LanguageView] = Field(
        description="The same themes per language, the language with the most posts first."
    )


def iso(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@router.get(
    "/digest",
    response_model=FeedbackDigest,
    responses={
        200: {"content": {"text/markdown": {}, "text/csv": {}}},
        422: {"description": "A bad period or format"},
    },
)
async def digest(
    request: Request,
    tenant: Annotated[str, Query(min_length=1, max_length=128)],
    community: Annotated[str, Query(min_length=1, max_length=128, description="`_`: none")],
    since: Annotated[str | None, Query(description="ISO 8601, or a time ago: 7d")] = None,
    until: Annotated[str | None, Query(description="ISO 8601, or a time ago; default now")] = None,
    format: Literal["json", "markdown", "csv"] = "json",
):
    """Civil criticism of one community (negative in tone, not toxic, or routed to the feedback
    queue) grouped into themes, each with its count, its trend against the period before and
    example posts. JSON, Markdown or CSV."""
    try:
        start, end = period(since, until, time.time())
    except BadPeriod as error:
        raise ApiError(422, "invalid_period", str(error)) from error
    name = None if community == NO_COMMUNITY else community
    state, where = request.app.state, Community(tenant, name)
    found = await feedback_digest(
        state.feedback, where, start, end, state.settings.pulse_digest_max_posts
    )
    owned = await state.feedback.owned(where)
    metrics.DIGESTS.labels(format).inc()
    if format == "markdown":
        title = f"Feedback from {name or 'posts without a community'}, {iso(start):%Y-%m-%d %H:%M} to {iso(end):%Y-%m-%d %H:%M} UTC"
        return PlainTextResponse(as_markdown(found, title, owned), media_type="text/markdown")
    if format == "csv":
        return PlainTextResponse(as_csv(found, owned), media_type="text/csv")
    return FeedbackDigest(
        tenant=tenant, community=name, since=iso(start), until=iso(end), total=found.total,
        unthemed=found.unthemed, themes=[ThemeView(**t) for t in as_json(found, owned)],
        languages=[LanguageView(**spoken) for spoken in languages_json(found, owned)],
    )  # fmt: skip


class Member(BaseModel):
    post_id: str = Field(examples=["f2e82753-2e9d-4bfd-b0bd-e7a9ea526965"])
    author_id: str | None = Field(description="None: kept before authors were.")
    at: float = Field(description="When it was posted (unix seconds).")


class ThemeMembers(BaseModel):
    theme: str
    language: str | None
    count: int
    members: list[Member] = Field(description="Every post the theme took, newest first.")


@router.get("/theme", response_model=ThemeMembers,
            responses={404: {"description": "No such theme in the period's digest"}})  # fmt: skip
async def theme_members(
    request: Request,
    tenant: Annotated[str, Query(min_length=1, max_length=128)],
    community: Annotated[str, Query(min_length=1, max_length=128, description="`_`: none")],
    theme: Annotated[str, Query(min_length=1, max_length=200)],
    language: Annotated[str | None, Query(max_length=16, description="As in the digest")] = None,
    since: Annotated[str | None, Query(description="ISO 8601, or a time ago: 7d")] = None,
    until: Annotated[str | None, Query(description="ISO 8601, or a time ago; default now")] = None,
) -> ThemeMembers:
    """The posts one theme of the digest took, with their authors: whom to tell when it is
    fixed. The same period gives the same themes as the digest."""
    try:
        start, end = period(since, until, time.time())
    except BadPeriod as error:
        raise ApiError(422, "invalid_period", str(error)) from error
    where = Community(tenant, None if community == NO_COMMUNITY else community)
    state = request.app.state
    found = find_theme(
        await feedback_digest(state.feedback, where, start, end, state.settings.pulse_digest_max_posts),
        theme, language or None,
    )  # fmt: skip
    if found is None:
        raise ApiError(404, "theme_not_found", f"No theme {theme!r} in that period's digest.")
    members = [Member(post_id=r.post_id, author_id=r.author, at=r.at) for r in found.members]
    return ThemeMembers(theme=found.phrase, language=found.language, count=found.count,
                        members=members)  # fmt: skip
