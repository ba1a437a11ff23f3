"""The calling platform, for every service that answers platforms with their API keys (the
gateway's read API, the desk's community views): the key is looked up in the service's own
projection of the credentials topic (`app.state.platform_keys`), checked for the scope and
counted against its rate limit (`app.state.rate_limiter`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from prometheus_client import Counter

from services.contracts.credentials import API_KEY_PREFIX, Scope
from services.shared import paging
from services.shared.auth import AuthFailure, PresentedToken, admit_key, credential_of
from services.shared.errors import ApiError


@dataclass(frozen=True)
class Platform:
    tenant: str
    key_id: str
    scopes: frozenset[str]


async def authenticate_platform(request: Request, token: str, scope: Scope) -> Platform:
    state = request.app.state
    key = await credential_of(token, API_KEY_PREFIX, state.platform_keys.get)
    limit = state.settings.default_rate_limit_per_minute
    await admit_key(key, scope.value, state.rate_limiter, limit)
    return Platform(key.tenant, key.credential_id, frozenset(key.scopes))


def api_error(failure: AuthFailure) -> ApiError:
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
    return ApiError(failure.status, failure.code, failure.message, headers=headers)


def platform_auth(
    scope: Scope,
    failures: Counter,
    to_error: Callable[[AuthFailure], Exception] | None = None,
):
    """A dependency: the calling platform, holding `scope`; each refusal counted in `failures`
    by its code, and answered in the route's own error shape."""

    async def dependency(request: Request, token: PresentedToken) -> Platform:
        try:
            return await authenticate_platform(request, token, scope)
        except AuthFailure as failure:
            failures.labels(failure.code).inc()
            raise (to_error or api_error)(failure) from None

    return dependency


def position_of(cursor: str | None) -> paging.Position | None:
    """The position a list cursor names; 422 if it is not a cursor this API gave out."""
    if cursor is None:
        return None
    position = paging.decode(cursor)
    if position is None:
        raise ApiError(422, "invalid_cursor", "Pass back the next_cursor of the page before.")
    return position
