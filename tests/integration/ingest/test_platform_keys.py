"""Ingest takes posts only with a platform key that has `posts:write`, for the key's own tenant,
and learns of keys (and their revocation) from the credentials topic. Real Kafka and Redis."""

from __future__ import annotations

import time

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.credentials import parse_token
from services.desk.adapters.credentials import Credentials, CredentialStore
from tests.conftest import Infra
from tests.integration.helpers import bearer, eventually, ingest_knows, issue

pytestmark = pytest.mark.integration


def post(tenant: str | None, external_id: str = "p-1") -> dict:
    body = {"external_id": external_id, "author_id": "u-1", "text": "hello there"}
    return body if tenant is None else {**body, "tenant": tenant}


async def test_without_a_key_is_401(ingest: httpx.AsyncClient, tenant: str) -> None:
    for headers in ({}, {"authorization": "Bearer mk_nope.nope"}, {"x-api-key": "garbage"}):
        answer = await ingest.post("/v1/posts", json=post(tenant), headers=headers)
        assert answer.status_code == 401, answer.text
        assert answer.json()["error"]["code"] == "unauthenticated"


async def test_the_tenant_is_the_keys_and_another_is_403(
    ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant)
    await ingest_knows(ingest, headers)
    implied = await ingest.post("/v1/posts", json=post(None), headers=headers)
    assert implied.status_code == 202, implied.text
    named = await ingest.post("/v1/posts", json=post(tenant), headers=headers)
    assert named.json() == {**implied.json(), "duplicate": True}  # the same post
    other = await ingest.post("/v1/posts", json=post("someone-else", "p-2"), headers=headers)
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "tenant_mismatch"
    # X-API-Key works the same as Bearer
    token = headers["authorization"].removeprefix("Bearer ")
    by_header = await ingest.post("/v1/posts", json=post(None), headers={"x-api-key": token})
    assert by_header.status_code == 202 and by_header.json()["duplicate"] is True


async def test_a_key_without_posts_write_is_403(
    ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    writer = await bearer(infra, tenant)  # known first, so the reader's key is known too
    reader = await bearer(infra, tenant, scopes=("decisions:read",))
    await ingest_knows(ingest, writer)

    async def refused() -> httpx.Response | None:
        answer = await ingest.post("/v1/posts", json=post(tenant), headers=reader)
        return answer if answer.status_code == 403 else None

    answer = await eventually(refused, timeout=10)
    assert answer is not None and answer.json()["error"]["code"] == "forbidden"
    assert "posts:write" in answer.json()["error"]["message"]


async def test_a_revoked_key_stops_working_within_five_seconds(
    ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    token = await issue(infra, tenant, rate_limit=100_000)
    headers = {"authorization": f"Bearer {token}"}
    await ingest_knows(ingest, headers)
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, acks="all")
    await producer.start()

    async def publish(event) -> None:
        value = event.model_dump_json().encode()
        await producer.send_and_wait(topics.CREDENTIALS, value, key=topics.tenant_key(tenant))

    try:
        await Credentials(CredentialStore(redis), publish).revoke(parse_token(token)[1], "test")
        revoked_at = time.monotonic()

        async def refused() -> bool:
            answer = await ingest.post("/v1/posts", json=post(tenant, "p-9"), headers=headers)
            return answer.status_code == 401

        assert await eventually(refused, timeout=5, interval=0.05)
        took = time.monotonic() - revoked_at
    finally:
        await producer.stop()
        await redis.aclose()
    assert took < 5, took
    print(f"revocation took effect at ingest after {took * 1000:.0f} ms")
