"""The moderator console: its page and assets, and signing in and out.

Signing in trades a moderator token for a session cookie (HttpOnly, SameSite=Strict) and a
CSRF token that the page sends back on every state-changing request. The page then uses the
same moderator API as any other client.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from services.desk import metrics
from services.desk.api.deps import (
    SESSION_COOKIE,
    CurrentModerator,
    moderator_of_token,
)
from services.desk.domain.access import Role, allowed_commands
from services.shared.auth import AuthFailure
from services.shared.errors import ApiError
from services.shared.platforms import api_error

ASSETS = Path(__file__).resolve().parents[2] / "console"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
router = APIRouter(tags=["console"])


class SignIn(BaseModel):
    token: str = Field(
        min_length=1,
        max_length=500,
        description="A moderator token.",
        examples=["mt_1888f4082401.Zk1aV7rQdF0wXl3s9cTq2bYhN8mPe4uGjK6oRiC5vBA"],
    )


class ConsoleIdentity(BaseModel):
    tenant: str = Field(examples=["acme"])
    moderator_id: str = Field(examples=["alice"])
    role: str = Field(examples=["moderator"])
    csrf_token: str = Field(description="Send back as X-CSRF-Token on every POST, PUT, DELETE.")
    allowed: list[str] = Field(description="Commands and sanctions this role may send.")
    blur_threshold: float = Field(description="Text scored above this starts blurred.")


class Assets(StaticFiles):
    async def get_response(self, path: str, scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(HEADERS)
        return response


def install_console(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/console/assets", Assets(directory=ASSETS / "assets"), name="console-assets")


@router.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse("/console/")


@router.get("/console", include_in_schema=False)
async def console_bare() -> RedirectResponse:
    return RedirectResponse("/console/")


@router.get("/console/", include_in_schema=False)
async def console_page() -> FileResponse:
    return FileResponse(ASSETS / "index.html", headers=HEADERS)


def identity(request: Request, tenant: str, moderator_id: str, role: Role, csrf: str):
    return ConsoleIdentity(
        tenant=tenant,
        moderator_id=moderator_id,
        role=role.label,
        csrf_token=csrf,
        allowed=allowed_commands(role),
        blur_threshold=request.app.state.settings.console_blur_threshold,
    )


@router.post(
    "/console/session",
    response_model=ConsoleIdentity,
    responses={401: {"description": "Not a valid moderator token"}},
)
async def sign_in(body: SignIn, request: Request, response: Response) -> ConsoleIdentity:
    """Sign in to the console with a moderator token: sets the session cookie."""
    try:
        credential = await moderator_of_token(request, body.token.strip())
    except AuthFailure as failure:
        metrics.AUTH_FAILURES.labels(failure.code).inc()
        raise api_error(failure) from None
    settings = request.app.state.settings
    session = await request.app.state.console_sessions.open(credential.credential_id)
    response.set_cookie(
        SESSION_COOKIE,
        session.session_id,
        max_age=settings.console_session_hours * 3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.console_cookie_secure,
    )
    role = Role.parse(credential.role or "triage")
    return identity(request, credential.tenant, credential.name, role, session.csrf_token)


@router.get(
    "/console/session",
    response_model=ConsoleIdentity,
    responses={401: {"description": "Not signed in"}},
)
async def whoami(moderator: CurrentModerator, request: Request) -> ConsoleIdentity:
    """Who is signed in, with the session's CSRF token."""
    session = getattr(request.state, "console_session", None)
    if session is None:  # authenticated by a token, not by the console's cookie
        raise ApiError(401, "unauthenticated", "Not signed in to the console.")
    return identity(
        request, moderator.tenant, moderator.moderator_id, moderator.role, session.csrf_token
    )


@router.delete(
    "/console/session", status_code=204, responses={401: {"description": "Not signed in"}}
)
async def sign_out(moderator: CurrentModerator, request: Request) -> Response:
    """Sign out: the session ends on the server and the cookie is cleared."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await request.app.state.console_sessions.close(session_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
