"""The decisions the gateway holds, for the desk (a case's post, its author's record, a dry
run's recent decisions, a backtest's live decisions): an internal API, so the desk reads the
one read model the gateway keeps instead of storing every decision a second time. It names
tenants in its paths, so it admits only the deployment's internal token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.contracts.events import Decision
from services.gateway.api.deps import DecisionStoreDep
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
