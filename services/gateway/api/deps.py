"""Dependencies for the gateway's routes: stores from app state, and authentication
(how a token is read and checked is `services/shared/auth.py`, shared with ingest).

A moderator signed in to the console presents a session cookie instead of a token. The browser
sends cookies on its own, so a state-changing request made with the cookie must also carry the
session's CSRF token in `X-CSRF-Token`, which only pages of this origin can read.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie

from services.contracts.credentials import API_KEY_PREFIX, MODERATOR_TOKEN_PREFIX, Scope
from services.gateway import metrics
from services.gateway.adapters.cases import CaseBoard
from services.gateway.adapters.classifier import ClassifierClient
from services.gateway.adapters.communities import Communities
from services.gateway.adapters.credentials import Credentials, CredentialStore
from services.gateway.adapters.decisions import DecisionStore, KnownPosts
from services.gateway.adapters.ingest import IngestClient
from services.gateway.adapters.webhooks import DeliveryQueue, WebhookStore
from services.gateway.config import Settings
from services.gateway.domain import paging
from services.gateway.domain.access import Role
from services.shared.auth import (
    AuthFailure,
    PresentedToken,
    admit_key,
    credential_of,
    usable,
)
from services.shared.errors import ApiError


def _state(name: str):
    async def get(request: Request):
        return getattr(request.app.state, name)

    return get


SettingsDep = Annotated[Settings, Depends(_state("settings"))]
DecisionStoreDep = Annotated[DecisionStore, Depends(_state("decisions"))]
KnownPostsDep = Annotated[KnownPosts, Depends(_state("posts"))]
CaseBoardDep = Annotated[CaseBoard, Depends(_state("cases"))]
WebhookStoreDep = Annotated[WebhookStore, Depends(_state("webhooks"))]
DeliveryQueueDep = Annotated[DeliveryQueue, Depends(_state("deliveries"))]
CredentialsDep = Annotated[Credentials, Depends(_state("credentials"))]
ClassifierDep = Annotated[ClassifierClient, Depends(_state("classifier"))]
IngestDep = Annotated[IngestClient, Depends(_state("ingest"))]


@dataclass(frozen=True)
class Platform:
    tenant: str
    key_id: str
    scopes: frozenset[str]
    token: str = field(repr=False, default="")  # to pass on to ingest, for the same platform


@dataclass(frozen=True)
class Moderator:
    tenant: str
    moderator_id: str
    role: Role


async def _credential(request: Request, token: str, prefix: str):
    store: CredentialStore = request.app.state.credential_store
    return await credential_of(token, prefix, store.get)


async def authenticate_platform(request: Request, token: str, scope: Scope) -> Platform:
    key = await _credential(request, token, API_KEY_PREFIX)
    settings: Settings = request.app.state.settings
    await admit_key(
        key, scope.value, request.app.state.rate_limiter, settings.default_rate_limit_per_minute
    )
    return Platform(key.tenant, key.credential_id, frozenset(key.scopes), token)


def platform_auth(scope: Scope, to_error: Callable[[AuthFailure], Exception] | None = None):
    """A dependency: the calling platform, holding `scope`; errors in the route's own shape."""

    async def dependency(request: Request, token: PresentedToken) -> Platform:
        try:
            return await authenticate_platform(request, token, scope)
        except AuthFailure as failure:
            metrics.AUTH_FAILURES.labels(failure.code).inc()
            raise (to_error or api_error)(failure) from None

    return dependency


def api_error(failure: AuthFailure) -> ApiError:
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
    return ApiError(failure.status, failure.code, failure.message, headers=headers)


SESSION_COOKIE = "console_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _session_credential(request: Request, session_id: str):
    session = await request.app.state.console_sessions.get(session_id)
    if session is None:
        raise AuthFailure(401, "unauthenticated", "The console session ended; sign in again.")
    sent = request.headers.get("x-csrf-token", "")
    if request.method not in SAFE_METHODS and not hmac.compare_digest(sent, session.csrf_token):
        raise AuthFailure(403, "csrf_failed", "Missing or wrong X-CSRF-Token for this session.")
    request.state.console_session = session  # for the console's own routes; read once
    found = await request.app.state.credential_store.get(session.credential_id)
    failure = usable(found)
    if failure is not None:
        raise failure
    return found


session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The console's session (with `X-CSRF-Token` on every change).",
)


async def _moderator(
    request: Request,
    token: PresentedToken,
    session_id: Annotated[str | None, Depends(session_cookie)],
) -> Moderator:
    try:
        if not token and session_id:
            found = await _session_credential(request, session_id)
        else:
            found = await _credential(request, token, MODERATOR_TOKEN_PREFIX)
    except AuthFailure as failure:
        metrics.AUTH_FAILURES.labels(failure.code).inc()
        raise api_error(failure) from None
    return Moderator(found.tenant, found.name, Role.parse(found.role or "triage"))


async def moderator_of_token(request: Request, token: str):
    """The moderator token's credential, for signing in; AuthFailure if it is not one."""
    return await _credential(request, token, MODERATOR_TOKEN_PREFIX)


CurrentModerator = Annotated[Moderator, Depends(_moderator)]


def require_role(minimum: Role):
    """A route-level dependency: 403 below `minimum`."""

    async def check(moderator: CurrentModerator) -> Moderator:
        if moderator.role < minimum:
            metrics.AUTH_FAILURES.labels("forbidden").inc()
            raise ApiError(403, "forbidden", f"This needs the {minimum.label} role.")
        return moderator

    return check


PlatformReader = Annotated[Platform, Depends(platform_auth(Scope.DECISIONS_READ))]
WebhookManager = Annotated[Platform, Depends(platform_auth(Scope.WEBHOOKS))]
Admin = Annotated[Moderator, Depends(require_role(Role.ADMIN))]


def position_of(cursor: str | None) -> paging.Position | None:
    """The position a list cursor names; 422 if it is not a cursor this API gave out."""
    if cursor is None:
        return None
    position = paging.decode(cursor)
    if position is None:
        raise ApiError(422, "invalid_cursor", "Pass back the next_cursor of the page before.")
    return position


async def _pulse_reader(
    request: Request,
    token: PresentedToken,
    session_id: Annotated[str | None, Depends(session_cookie)],
) -> str:
    """The tenant whose communities may be read: a moderator's (token or console session), or
    a platform key's with `pulse:read`."""
    if token.startswith(f"{MODERATOR_TOKEN_PREFIX}_") or (not token and session_id):
        return (await _moderator(request, token, session_id)).tenant
    return (await platform_auth(Scope.PULSE_READ)(request, token)).tenant


PulseReader = Annotated[str, Depends(_pulse_reader)]


async def _communities(request: Request) -> Communities:
    return request.app.state.communities


CommunitiesDep = Annotated[Communities, Depends(_communities)]
