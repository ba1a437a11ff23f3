"""Checking a presented credential, the same in every service that takes platform keys:
where the token is read from, which record it names, and what makes it fail.

Tokens are read from `Authorization: Bearer …`, then `X-API-Key`, then `?key=` (Perspective's
way). Each failure is an AuthFailure; every API turns it into its own error shape.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends
from fastapi.security import APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer

from services.contracts.credentials import matches, parse_token
from services.contracts.events import CredentialEvent, utcnow
from services.shared.ratelimit import RateLimiter

bearer = HTTPBearer(auto_error=False, description="A platform API key or a moderator token.")
api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A platform API key, in a header."
)
api_key_query = APIKeyQuery(
    name="key", auto_error=False, description="A platform API key, as Perspective clients send it."
)
Lookup = Callable[[str], Awaitable[CredentialEvent | None]]


class AuthFailure(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


async def presented_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    header: Annotated[str | None, Depends(api_key_header)],
    query: Annotated[str | None, Depends(api_key_query)],
) -> str:
    """A dependency: the token sent, by whichever of the three ways (declared in OpenAPI)."""
    if credentials is not None:
        return credentials.credentials.strip()
    return (header or query or "").strip()


def token_sent(authorization: str | None, header: str | None, query: str | None) -> str:
    """`presented_token` from the raw values, for a route answered outside FastAPI's
    dependencies (`services.shared.direct`): a bearer token, then the header, then the query,
    each read as FastAPI's security classes read it."""
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme and credentials.strip() and scheme.lower() == "bearer":
        return credentials.strip()
    return (header or query or "").strip()


PresentedToken = Annotated[str, Depends(presented_token)]


def usable(found: CredentialEvent | None, now: datetime | None = None) -> AuthFailure | None:
    """Why a credential record no longer admits anyone (None: it does)."""
    if found is None or found.revoked:
        return AuthFailure(401, "unauthenticated", "The API key or token is not valid.")
    if found.expires_at is not None and found.expires_at <= (now or utcnow()):
        return AuthFailure(401, "token_expired", "The token expired; ask an admin for a new one.")
    return None


async def credential_of(token: str, prefix: str, lookup: Lookup) -> CredentialEvent:
    """The live credential `token` proves, of the kind `prefix` names; AuthFailure otherwise."""
    if not token:
        raise AuthFailure(401, "unauthenticated", "No API key or token was sent.")
    parsed = parse_token(token)
    found = await lookup(parsed[1]) if parsed and parsed[0] == prefix else None
    if found is not None and not matches(token, found.secret_sha256):
        found = None
    failure = usable(found)
    if failure is not None:
        raise failure
    assert found is not None
    return found


async def admit_key(
    key: CredentialEvent, scope: str, limiter: RateLimiter, default_limit: int
) -> None:
    """403 without `scope`; 429 over the key's per-minute limit (or the service's default)."""
    if scope not in key.scopes:
        raise AuthFailure(403, "forbidden", f"This API key lacks the {scope!r} scope.")
    limit = key.rate_limit_per_minute or default_limit
    wait = await limiter.hit(key.credential_id, limit)
    if wait is not None:
        raise AuthFailure(429, "rate_limited", f"Over {limit} requests a minute.", wait)
