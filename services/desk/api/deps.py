"""Dependencies for the desk's routes: its stores from app state, and who is calling: a
moderator (by token, or by the console's session cookie), or a platform key with `pulse:read`
for the community views.

A moderator signed in to the console presents a session cookie instead of a token. The browser
sends cookies on its own, so a state-changing request made with the cookie must also carry the
session's CSRF token in `X-CSRF-Token`, which only pages of this origin can read.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie
from faststream.kafka import KafkaBroker

from services.contracts.credentials import MODERATOR_TOKEN_PREFIX, Scope
from services.desk import metrics
from services.desk.adapters.backends import Backend
from services.desk.adapters.cases import CaseBoard
from services.desk.adapters.communities import Communities
from services.desk.adapters.credentials import Credentials, CredentialStore
from services.desk.adapters.decisions import DecisionLedger
from services.desk.adapters.policies import PolicyRegistry
from services.desk.config import Settings
from services.desk.domain.access import Role
from services.shared.api import from_state
from services.shared.auth import AuthFailure, PresentedToken, credential_of, usable
from services.shared.errors import ApiError
from services.shared.platforms import api_error, platform_auth

SettingsDep = Annotated[Settings, Depends(from_state("settings"))]
BrokerDep = Annotated[KafkaBroker, Depends(from_state("broker"))]
CaseBoardDep = Annotated[CaseBoard, Depends(from_state("cases"))]
CommunitiesDep = Annotated[Communities, Depends(from_state("communities"))]
CredentialsDep = Annotated[Credentials, Depends(from_state("credentials"))]
DecisionsDep = Annotated[DecisionLedger, Depends(from_state("decisions"))]
PolicyRegistryDep = Annotated[PolicyRegistry, Depends(from_state("policy_registry"))]
PulseDep = Annotated[Backend, Depends(from_state("pulse"))]
OutreachDep = Annotated[Backend, Depends(from_state("outreach"))]


@dataclass(frozen=True)
class Moderator:
    tenant: str
    moderator_id: str
    role: Role


async def _credential(request: Request, token: str, prefix: str):
    store: CredentialStore = request.app.state.credential_store
    return await credential_of(token, prefix, store.get)


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


Admin = Annotated[Moderator, Depends(require_role(Role.ADMIN))]


async def _pulse_reader(
    request: Request,
    token: PresentedToken,
    session_id: Annotated[str | None, Depends(session_cookie)],
) -> str:
    """The tenant whose communities may be read: a moderator's (token or console session), or
    a platform key's with `pulse:read`."""
    if token.startswith(f"{MODERATOR_TOKEN_PREFIX}_") or (not token and session_id):
        return (await _moderator(request, token, session_id)).tenant
    platform = await platform_auth(Scope.PULSE_READ, metrics.AUTH_FAILURES)(request, token)
    return platform.tenant


PulseReader = Annotated[str, Depends(_pulse_reader)]
