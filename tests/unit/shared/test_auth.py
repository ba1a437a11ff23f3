"""The credential checks ingest and the gateway share: expiry, revocation, scope, rate."""

from __future__ import annotations

from datetime import timedelta

import fakeredis
import pytest

from services.contracts.credentials import API_KEY_PREFIX, MODERATOR_TOKEN_PREFIX, issue
from services.contracts.events import CredentialEvent, utcnow
from services.shared.auth import AuthFailure, admit_key, credential_of, usable
from services.shared.ratelimit import RateLimiter


def credential(prefix: str = API_KEY_PREFIX, **fields) -> tuple[CredentialEvent, str]:
    secret = issue(prefix)
    kind = "api_key" if prefix == API_KEY_PREFIX else "moderator_token"
    fields = {"tenant": "acme", "name": "k", "scopes": ["posts:write"], **fields}
    event = CredentialEvent(
        credential_id=secret.credential_id, secret_sha256=secret.sha256, kind=kind, **fields
    )
    return event, secret.token


def test_a_token_past_its_expiry_admits_no_one() -> None:
    live, _ = credential(expires_at=utcnow() + timedelta(hours=1))
    assert usable(live) is None
    failure = usable(live, now=utcnow() + timedelta(hours=2))
    assert failure is not None and (failure.status, failure.code) == (401, "token_expired")


def test_revoked_and_unknown_credentials_are_401() -> None:
    revoked, _ = credential(revoked=True)
    assert usable(revoked).status == 401
    assert usable(None).status == 401


async def test_the_token_must_match_the_stored_hash_and_kind() -> None:
    event, token = credential()

    async def lookup(credential_id: str):
        return event if credential_id == event.credential_id else None

    assert await credential_of(token, API_KEY_PREFIX, lookup) == event
    for wrong in (token + "x", "", token.replace("mk_", "mt_", 1)):
        with pytest.raises(AuthFailure) as refused:
            await credential_of(wrong, API_KEY_PREFIX, lookup)
        assert refused.value.status == 401
    moderator, moderator_token = credential(MODERATOR_TOKEN_PREFIX)
    with pytest.raises(AuthFailure):  # a moderator token is not a platform key
        await credential_of(moderator_token, API_KEY_PREFIX, lookup)
    assert moderator.kind == "moderator_token"


async def test_scope_then_rate_limit() -> None:
    limiter = RateLimiter(fakeredis.FakeAsyncRedis(decode_responses=True), "test")
    key, _ = credential(rate_limit_per_minute=2)
    with pytest.raises(AuthFailure) as refused:
        await admit_key(key, "decisions:read", limiter, 100)
    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    await admit_key(key, "posts:write", limiter, 100)
    await admit_key(key, "posts:write", limiter, 100)
    with pytest.raises(AuthFailure) as limited:
        await admit_key(key, "posts:write", limiter, 100)
    assert limited.value.status == 429 and limited.value.retry_after >= 1
