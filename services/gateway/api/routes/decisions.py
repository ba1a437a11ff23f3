"""Decisions for platforms: one post's decision and history, the feed, and the SSE stream."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from services.contracts.public import DecisionView, PublicEvent, decision_view, public_view
from services.gateway import metrics
from services.gateway.api.deps import (
    DecisionStoreDep,
    KnownPostsDep,
    PlatformReader,
    SettingsDep,
)
from services.shared.errors import ApiError
from services.shared.sse import event_stream, sse_response, valid_cursor

router = APIRouter(tags=["decisions"])
AUTH_ERRORS = {
    401: {"description": "Missing or invalid API key"},
    403: {"description": "The key lacks the decisions:read scope"},
    429: {"description": "Over the key's rate limit (see Retry-After)"},
}


class DecisionPage(BaseModel):
    data: list[PublicEvent] = Field(
        description="Decisions (`type: decision`), sanctions (`type: sanction`) and the "
        "community staff's replies to post (`type: reply`), in order."
    )
    next_cursor: str = Field(
        description="Pass back as `since`; an empty page keeps it.", examples=["1732270000000-0"]
    )


@router.get(
    "/v1/posts/{post_id}/decision",
    response_model=DecisionView,
    response_model_exclude_none=True,
    responses={**AUTH_ERRORS, 404: {"description": "No such post for this platform"}},
)
async def get_decision(
    post_id: str, platform: PlatformReader, decisions: DecisionStoreDep, posts: KnownPostsDep
) -> DecisionView:
    """The current decision with its history (automated first, then moderator changes), or
    `pending` while the post is still in the pipeline. Another platform's post is a 404."""
    decision = await decisions.latest(post_id)
    if decision is not None and decision.tenant == platform.tenant:
        return decision_view(decision, await decisions.history(post_id))
    if decision is None and await posts.tenant_of(post_id) == platform.tenant:
        return DecisionView(post_id=post_id, status="pending")
    raise ApiError(404, "post_not_found", f"No post {post_id} is known.")


def checked_cursor(cursor: str | None) -> str | None:
    if cursor is not None and not valid_cursor(cursor):
        raise ApiError(422, "invalid_cursor", "A cursor looks like '1732270000000-0'.")
    return cursor


@router.get("/v1/decisions", response_model=DecisionPage, responses=AUTH_ERRORS)
async def list_decisions(
    platform: PlatformReader,
    decisions: DecisionStoreDep,
    settings: SettingsDep,
    since: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DecisionPage:
    """Your decisions, your authors' sanctions and your staff's replies to post, in the order
    they were made, oldest first.
    Keep `next_cursor` and pass it as `since` to get only what came after; an empty page keeps
    the same cursor."""
    after = checked_cursor(since)
    page = await decisions.feed(platform.tenant, after, min(limit, settings.feed_page_max))
    return DecisionPage(
        data=[public_view(e) for _, e in page],
        next_cursor=page[-1][0] if page else (after or "0-0"),
    )


@router.get(
    "/v1/decisions/stream",
    responses={**AUTH_ERRORS, 200: {"content": {"text/event-stream": {}}}},
    response_class=StreamingResponse,
)
async def stream_decisions(
    request: Request,
    platform: PlatformReader,
    decisions: DecisionStoreDep,
    settings: SettingsDep,
    since: Annotated[str | None, Query(description="start after this cursor")] = None,
    last_event_id: Annotated[str | None, Header(description="resume after this event")] = None,
) -> StreamingResponse:
    """The feed as Server-Sent Events (`event: decision`, `event: sanction` or `event: reply`;
    `id:` = cursor). Reconnect with `Last-Event-ID` to resume where you stopped; without a cursor it starts with
    what comes next."""
    after = checked_cursor(last_event_id or since) or await decisions.last_cursor(platform.tenant)
    wait = partial(decisions.wait_for, platform.tenant, block_ms=1000)
    heartbeat = settings.sse_heartbeat_seconds
    return sse_response(
        event_stream(request, wait, after, heartbeat, rendered, metrics.SSE_CLIENTS)
    )


def rendered(entry) -> tuple[str, str]:
    view = public_view(entry)
    return view.type, view.model_dump_json(exclude_none=True)
