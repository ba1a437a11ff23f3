"""Admin moderators manage their platform's API keys (the same as the admin CLI does)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from services.contracts.credentials import ALL_SCOPES, Scope
from services.contracts.events import CredentialEvent
from services.contracts.text import PRINTABLE
from services.desk.api.deps import Admin, CredentialsDep, SettingsDep
from services.desk.domain.access import Role
from services.shared.errors import ApiError
from services.shared.paging import Listing

router = APIRouter(prefix="/v1/admin/keys", tags=["admin"])
ERRORS = {401: {"description": "Missing or invalid token"}, 403: {"description": "Not an admin"}}


class KeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=PRINTABLE, examples=["forum"])
    scopes: list[Scope] = Field(
        default_factory=lambda: list(ALL_SCOPES), examples=[["posts:write", "decisions:read"]]
    )
    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=1_000_000, examples=[600])


class KeyView(BaseModel):
    key_id: str = Field(examples=["c5ed806df97f"])
    name: str = Field(examples=["forum"])
    scopes: list[str]
    rate_limit_per_minute: int | None
    revoked: bool
    changed_at: datetime
    changed_by: str


class KeyCreated(KeyView):
    api_key: str = Field(
        description="Shown only now; only its hash is kept.",
        examples=["mk_c5ed806df97f.nZXzO3G-ivha4MwOTXHCgvZv_D7f1DvFuLg7z_oxVNU"],
    )


class KeyList(Listing[KeyView]):
    """Every one of the API keys."""


def key_view(event: CredentialEvent) -> KeyView:
    return KeyView(
        key_id=event.credential_id,
        name=event.name,
        scopes=event.scopes,
        rate_limit_per_minute=event.rate_limit_per_minute,
        revoked=event.revoked,
        changed_at=event.occurred_at,
        changed_by=event.actor,
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=KeyCreated, responses=ERRORS)
async def create_key(body: KeyCreate, admin: Admin, credentials: CredentialsDep) -> KeyCreated:
    """Issue a platform API key (shown once; only its hash is kept), with scopes and a rate limit."""
    event, token = await credentials.issue_key(
        admin.tenant, body.name, body.scopes, body.rate_limit_per_minute, admin.moderator_id
    )
    return KeyCreated(**key_view(event).model_dump(), api_key=token)


@router.get("", response_model=KeyList, responses=ERRORS)
async def list_keys(admin: Admin, credentials: CredentialsDep) -> KeyList:
    """Your platform's API keys: names, scopes, limits, revoked or not (never the secrets)."""
    keys = await credentials.store.of_tenant(admin.tenant, kind="api_key")
    return KeyList(data=[key_view(k) for k in keys])


@router.delete(
    "/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**ERRORS, 404: {"description": "No such key"}},
)
async def revoke_key(key_id: str, admin: Admin, credentials: CredentialsDep) -> Response:
    """Revoke an API key: the desk refuses it at once, the gateway and ingest within seconds."""
    return await revoke(key_id, "api_key", admin, credentials)


async def revoke(credential_id: str, kind: str, admin, credentials) -> Response:
    """Revoke one of the admin's platform's credentials of `kind`; 404 for any other."""
    current = await credentials.store.get(credential_id)
    if current is None or current.kind != kind or current.tenant != admin.tenant:
        raise ApiError(404, "credential_not_found", f"No {kind} {credential_id}.")
    await credentials.revoke(credential_id, admin.moderator_id, tenant=admin.tenant)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


moderators = APIRouter(prefix="/v1/admin/moderators", tags=["admin"])


class ModeratorCreate(BaseModel):
    moderator_id: str = Field(
        min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][\w.@-]*$", examples=["alice"]
    )
    role: Literal["triage", "community_manager", "moderator", "admin"] = "triage"
    valid_hours: float | None = Field(
        default=None,
        gt=0,
        le=24 * 90,
        description="How long the token admits its holder; default MODERATOR_TOKEN_HOURS (12).",
    )


class ModeratorView(BaseModel):
    token_id: str = Field(examples=["1888f4082401"])
    moderator_id: str = Field(examples=["alice"])
    role: str = Field(examples=["moderator"])
    revoked: bool
    expires_at: datetime | None
    changed_at: datetime
    changed_by: str


class ModeratorCreated(ModeratorView):
    token: str = Field(
        description="Shown only now; only its hash is kept.",
        examples=["mt_1888f4082401.Zk1aV7rQdF0wXl3s9cTq2bYhN8mPe4uGjK6oRiC5vBA"],
    )


class ModeratorList(Listing[ModeratorView]):
    """Every one of the moderator tokens."""


def moderator_view(event: CredentialEvent) -> ModeratorView:
    return ModeratorView(
        token_id=event.credential_id,
        moderator_id=event.name,
        role=event.role or "triage",
        revoked=event.revoked,
        expires_at=event.expires_at,
        changed_at=event.occurred_at,
        changed_by=event.actor,
    )


@moderators.post(
    "", status_code=status.HTTP_201_CREATED, response_model=ModeratorCreated, responses=ERRORS
)
async def create_moderator(
    body: ModeratorCreate, admin: Admin, credentials: CredentialsDep, settings: SettingsDep
) -> ModeratorCreated:
    """Issue a moderator token for your platform (the same as `cli moderators create`)."""
    event, token = await credentials.issue_moderator(
        admin.tenant,
        body.moderator_id,
        Role.parse(body.role),
        admin.moderator_id,
        body.valid_hours or settings.moderator_token_hours,
    )
    return ModeratorCreated(**moderator_view(event).model_dump(), token=token)


@moderators.get("", response_model=ModeratorList, responses=ERRORS)
async def list_moderators(admin: Admin, credentials: CredentialsDep) -> ModeratorList:
    """Your platform's moderator tokens, with their roles and when they expire."""
    tokens = await credentials.store.of_tenant(admin.tenant, kind="moderator_token")
    return ModeratorList(data=[moderator_view(t) for t in tokens])


@moderators.delete(
    "/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**ERRORS, 404: {"description": "No such moderator token"}},
)
async def revoke_moderator(token_id: str, admin: Admin, credentials: CredentialsDep) -> Response:
    """Revoke a moderator token: its console sessions end with it."""
    return await revoke(token_id, "moderator_token", admin, credentials)
