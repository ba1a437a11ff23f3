"""Ingest remembers a platform key it has read for a short while (one Redis read per key per
interval, not per request): a revocation applied by this replica is seen at once, one applied by
another replica once the memory lapses. Real Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis

from services.contracts.events import CredentialEvent
from services.shared.keys import PlatformKeys
from tests.conftest import Infra

pytestmark = pytest.mark.integration


def key_event(credential_id: str, revoked: bool = False) -> CredentialEvent:
    return CredentialEvent(
        credential_id=credential_id, kind="api_key", tenant="t-memory", name="forum",
        scopes=["posts:write"], secret_sha256="0" * 64, revoked=revoked,
    )  # fmt: skip


async def test_a_revocation_reaches_a_replica_that_remembers_the_key(infra: Infra) -> None:
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    credential_id = f"k{uuid.uuid4().hex[:12]}"
    this, other = PlatformKeys(redis, "ingest", 0.5), PlatformKeys(redis, "ingest", 0.5)
    try:
        await this.apply(key_event(credential_id))
        assert not (await this.get(credential_id)).revoked  # now remembered by `this`
        assert not (await other.get(credential_id)).revoked  # and by `other`

        await this.apply(key_event(credential_id, revoked=True))
        assert (await this.get(credential_id)).revoked  # the replica that applied it: at once
        assert not (await other.get(credential_id)).revoked  # another: still remembered...
        await asyncio.sleep(0.6)
        assert (await other.get(credential_id)).revoked  # ...until the memory lapses
    finally:
        await redis.aclose()


async def test_without_memory_every_read_goes_to_redis(infra: Infra) -> None:
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    credential_id = f"k{uuid.uuid4().hex[:12]}"
    reader, writer = PlatformKeys(redis, "ingest", 0), PlatformKeys(redis, "ingest")
    try:
        assert await reader.get(credential_id) is None
        await writer.apply(key_event(credential_id))
        assert await reader.get(credential_id) is not None
        await writer.apply(key_event(credential_id, revoked=True))
        assert (await reader.get(credential_id)).revoked
    finally:
        await redis.aclose()
