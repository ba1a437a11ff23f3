"""Decisions for platforms: one post's decision and history, the feed, and the SSE stream."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from services.contracts.events import (
    Action,
    Decision,
    ModelInfo,
    PolicyRef,
    Reason,
    StatementOfReasons,
)
from services.gateway import metrics
from services.gateway.adapters.decisions import valid_cursor
from services.gateway.api.deps import (
    DecisionStoreDep,
    PlatformReader,
    PostDirectoryDep,
    SettingsDep,
)
from services.shared.errors import ApiError

router = APIRouter(tags=["decisions"])
AUTH_ERRORS = {
    401: {"description": "Missing or invalid API key"},
    403: {"description": "The key lacks the decisions:read scope"},
    429: {"description": "Over the key's rate limit (see Retry-After)"},
}


class DecisionRevision(BaseModel):
    decision_id: str
    revision: int
    action: Action
    decided_by: str
    decided_at: datetime
    reasons: list[Reason]


class DecisionView(BaseModel):
    post_id: str
    status: Literal["pending", "decided"]
    tenant: str | None = None
    author_id: str | None = None
    community: str | None = None
    action: Action | None = None
    reasons: list[Reason] | None = None
    scores: dict[str, float] | None = None
    model: ModelInfo | None = None
    policy: PolicyRef | None = None
    revision: int | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_id: str | None = None
    queue: str | None = None
    statement: StatementOfReasons | None = None
    history: list[DecisionRevision] | None = None


class DecisionPage(BaseModel):
    data: list[DecisionView]
    next_cursor: str


def revision_of(d: Decision) -> DecisionRevision:
    return DecisionRevision(
        decision_id=d.event_id,
        revision=d.revision,
        action=d.action,
        decided_by=d.decided_by,
        decided_at=d.occurred_at,
        reasons=d.reasons,
    )


def view_of(d: Decision, history: list[Decision] | None = None) -> DecisionView:
    return DecisionView(
        post_id=d.post_id,
        status="decided",
        tenant=d.tenant,
        author_id=d.author_id,
        community=d.community,
        action=d.action,
        reasons=d.reasons,
        scores=d.scores,
        model=d.model,
        policy=d.policy,
        revision=d.revision,
        decided_by=d.decided_by,
        decided_at=d.occurred_at,
        decision_id=d.event_id,
        queue=d.queue,
        statement=d.statement,
        history=[revision_of(h) for h in history] if history is not None else None,
    )


@router.get(
    "/v1/posts/{post_id}/decision",
    response_model=DecisionView,
    response_model_exclude_none=True,
    responses={**AUTH_ERRORS, 404: {"description": "No such post for this platform"}},
)
async def get_decision(
    post_id: str, platform: PlatformReader, decisions: DecisionStoreDep, posts: PostDirectoryDep
) -> DecisionView:
    """The current decision with its history (automated first, then moderator changes), or
    `pending` while the post is still in the pipeline. Another platform's post is a 404."""
    decision = await decisions.latest(post_id)
    if decision is not None and decision.tenant == platform.tenant:
        return view_of(decision, await decisions.history(post_id))
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
    """Your decisions in the order they were made, oldest first. Keep `next_cursor` and pass it
    as `since` to get only what came after; an empty page keeps the same cursor."""
    after = checked_cursor(since)
    page = await decisions.feed(platform.tenant, after, min(limit, settings.feed_page_max))
    return DecisionPage(
        data=[view_of(d) for _, d in page], next_cursor=page[-1][0] if page else (after or "0-0")
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
    """The feed as Server-Sent Events (`event: decision`, `id:` = cursor). Reconnect with
    `Last-Event-ID` to resume where you stopped; without a cursor it starts with new decisions."""
    after = checked_cursor(last_event_id or since) or await decisions.last_cursor(platform.tenant)
    events = sse(request, platform.tenant, after, decisions, settings.sse_heartbeat_seconds)
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


async def sse(
    request: Request, tenant: str, after: str, decisions, heartbeat: float
) -> AsyncIterator[str]:
    metrics.SSE_CLIENTS.inc()
    try:
        yield "retry: 3000\n\n"
        last_beat = time.monotonic()
        while not await request.is_disconnected():
            batch = await decisions.wait_for(tenant, after, block_ms=1000)
            for cursor, decision in batch:
                after = cursor
                data = view_of(decision).model_dump_json(exclude_none=True)
                yield f"id: {cursor}\nevent: decision\ndata: {data}\n\n"
            if not batch and time.monotonic() - last_beat > heartbeat:
                last_beat = time.monotonic()
                yield ": keep-alive\n\n"
    finally:
        metrics.SSE_CLIENTS.dec()
