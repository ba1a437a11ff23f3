"""The decisions the gateway holds, and the conversations around posts, for the desk (a case's post, its author's record, a dry
run's recent decisions, a backtest's live decisions): an internal API, so the desk reads the
one read model the gateway keeps instead of storing every decision a second time. It names
tenants in its paths, so it admits only the deployment's internal token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.contracts.conversations import MAX_AROUND, MAX_RECENT, Conversation
from services.contracts.events import Decision
from services.gateway.api.deps import DecisionStoreDep, KnownPostsDep
from services.shared.internal import InternalCaller
from services.shared.paging import Listing

router = APIRouter(prefix="/internal/v1", tags=["internal"], dependencies=[InternalCaller])


class Decisions(Listing[Decision]):
    """The decisions asked for."""


class PostIds(BaseModel):
    post_ids: list[str] = Field(max_length=1000, examples=[["2f1c0a9e", "7b44d1c2"]])


@router.get("/posts/{post_id}/decisions", response_model=Decisions)
async def post_decisions(post_id: str, store: DecisionStoreDep) -> Decisions:
    """Every revision of the post's decision, oldest first."""
    return Decisions(data=await store.history(post_id))


@router.get("/tenants/{tenant}/authors/{author_id}/decisions", response_model=Decisions)
async def author_decisions(
    tenant: str,
    author_id: str,
    store: DecisionStoreDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Decisions:
    """The author's latest decisions, newest first."""
    return Decisions(data=await store.by_author(tenant, author_id, limit))


@router.get("/tenants/{tenant}/decisions", response_model=Decisions)
async def recent_decisions(
    tenant: str, store: DecisionStoreDep, last: Annotated[int, Query(ge=1, le=5000)] = 500
) -> Decisions:
    """The tenant's last `last` decisions, newest first."""
    return Decisions(data=await store.recent(tenant, last))


@router.post("/decisions/first", response_model=Decisions)
async def first_decisions(body: PostIds, store: DecisionStoreDep) -> Decisions:
    """Each named post's first (automated) decision; posts without one are left out."""
    return Decisions(data=list((await store.first_of(body.post_ids)).values()))


@router.post("/decisions/latest", response_model=Decisions)
async def latest_decisions(body: PostIds, store: DecisionStoreDep) -> Decisions:
    """Each named post's latest decision (removed since?); posts without one are left out."""
    return Decisions(data=list((await store.latest_of(body.post_ids)).values()))


@router.get("/tenants/{tenant}/posts/{post_id}/conversation", response_model=Conversation)
async def conversation(
    tenant: str,
    post_id: str,
    posts: KnownPostsDep,
    author_id: Annotated[str, Query(min_length=1, max_length=256)],
    around: Annotated[int, Query(ge=0, le=MAX_AROUND)] = 5,
    recent: Annotated[int, Query(ge=0, le=MAX_RECENT)] = 10,
) -> Conversation:
    """The post's parent, its neighbours in its thread (up to `around` each side, the post
    among them) and its author's latest decided posts, each with its latest decision: what a
    moderator reads a reply against. Only the tenant's own posts; bounded whatever the
    thread's size."""
    return await posts.conversation(tenant, post_id, author_id, around, recent)
