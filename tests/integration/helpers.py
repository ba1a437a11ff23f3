"""Helpers for tests against the real broker: run an app in-process, read a topic."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import httpx
import uvicorn
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI, Request, Response
from redis.asyncio import Redis

from deploy.localstack import free_port
from services.contracts import topics
from services.contracts.credentials import ALL_SCOPES, Scope
from services.desk.adapters.credentials import Credentials, CredentialStore
from services.desk.domain.access import Role
from services.shared.keys import PlatformKeys


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan (broker, Redis, model) and give an HTTP client bound to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def produce(bootstrap: str, topic: str, values: list[bytes], key: bytes = b"k") -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def produce_together(bootstrap: str, topic: str, values: list[bytes], key: bytes = b"k"):
    """One record batch on the broker, so a consumer fetches these records in one batch."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=1000
    )
    await producer.start()
    try:
        sent = [await producer.send(topic, value, key=key) for value in values]
        await producer.flush()
        offsets = [(await ack).offset for ack in sent]
        assert offsets == list(range(offsets[0], offsets[0] + len(values)))
    finally:
        await producer.stop()


async def collect(
    bootstrap: str,
    topic: str,
    until: Callable[[list[dict[str, Any]]], bool],
    match: Callable[[dict[str, Any]], bool] = lambda _: True,
    timeout: float = 60.0,
) -> list[dict[str, Any]]:
    """Read the topic from the start until `until(matching messages)` holds or the time is up."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    try:
        while not until(found) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    try:
                        value = json.loads(record.value)
                    except ValueError:  # another test's poison message
                        continue
                    if isinstance(value, dict) and match(value):
                        value["_key"] = record.key.decode() if record.key else None
                        found.append(value)
    finally:
        await consumer.stop()
    return found


async def eventually(check: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2) -> Any:
    """Poll an async check until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(interval)


_TOKENS: dict[tuple, str] = {}


async def issue(infra, tenant: str, moderator: tuple[str, str] | None = None, **key) -> str:
    """A real credential for `tenant`, recorded on the credentials topic and projected into
    the desk's Redis view as the admin CLI does: an API key, or with `moderator=(id, role)` a
    moderator token. An API key is also put in the gateway's view at once, so a test need not
    wait for its consumer (`test_platform_api` shows that consumer at work; ingest's view is
    left to its consumer). Tokens are cached per (tenant, what), so tests sharing a tenant
    share them."""
    cache = (
        tenant,
        moderator,
        tuple(sorted(key.get("scopes", ALL_SCOPES))),
        key.get("rate_limit"),
        key.get("hours"),
    )
    if cache in _TOKENS:
        return _TOKENS[cache]
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap, acks="all")
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    await producer.start()

    async def publish(event) -> None:
        value = event.model_dump_json().encode()
        await producer.send_and_wait(topics.CREDENTIALS, value, key=topics.tenant_key(tenant))
        await PlatformKeys(redis, "gateway").apply(event)

    try:
        credentials = Credentials(CredentialStore(redis), publish)
        if moderator:
            _, token = await credentials.issue_moderator(
                tenant, moderator[0], Role.parse(moderator[1]), "test", key.get("hours", 12.0)
            )
        else:
            scopes = [Scope(s) for s in key.get("scopes", ALL_SCOPES)]
            _, token = await credentials.issue_key(
                tenant, "test", scopes, key.get("rate_limit"), "test"
            )
    finally:
        await producer.stop()
        await redis.aclose()
    _TOKENS[cache] = token
    return token


async def bearer(infra, tenant: str, **what) -> dict[str, str]:
    return {"authorization": f"Bearer {await issue(infra, tenant, **what)}"}


async def ingest_knows(ingest: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """Wait until ingest has read the key from the credentials topic: an empty body then
    passes authentication and fails validation (422)."""

    async def known() -> bool:
        status = (await ingest.post("/v1/posts", json={}, headers=headers)).status_code
        assert status in (401, 422), status
        return status == 422

    assert await eventually(known, timeout=30, interval=0.1), "ingest never learnt the key"


async def reader(tenant: str) -> dict[str, str]:
    """Headers of a platform key for `tenant`, on the session's Kafka and Redis (from the env
    the `infra` fixture sets)."""
    infra = SimpleNamespace(
        kafka_bootstrap=os.environ["KAFKA_BOOTSTRAP_SERVERS"], redis_url=os.environ["REDIS_URL"]
    )
    return await bearer(infra, tenant)


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve the app over real HTTP on a free loopback port, in this event loop (for clients
    that need a socket: SDKs, streams). Yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 120
    while not server.started:
        if task.done() or time.monotonic() > deadline:
            raise RuntimeError(f"server did not start: {task.exception() if task.done() else ''}")
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def snapshot(redis: Redis, families: tuple[str, ...]) -> dict[str, Any]:
    """Every key of the families with its value, for comparing a rebuild with the original.
    TTLs are left out; a stream is compared by its entries, not their ids (a rebuilt feed has
    new cursors, and one author's order is all Kafka keeps across partitions)."""
    out: dict[str, Any] = {}
    for pattern in families:
        async for key in redis.scan_iter(match=pattern, count=1000):
            kind = await redis.type(key)
            if kind == "string":
                value: Any = await redis.get(key)
            elif kind == "hash":
                value = await redis.hgetall(key)
            elif kind == "list":
                value = await redis.lrange(key, 0, -1)
            elif kind == "set":
                value = sorted(await redis.smembers(key))
            elif kind == "zset":
                value = await redis.zrange(key, 0, -1, withscores=True)
            else:
                entries = await redis.xrange(key)
                value = sorted(json.dumps(fields, sort_keys=True) for _, fields in entries)
            out[key] = (kind, value)
    return out


def reply_receiver(replies: list[dict]) -> FastAPI:
    """A platform's webhook receiver: keeps every `reply` delivered, answers everything 200."""
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        body = json.loads(await request.body())
        if body["type"] == "reply":
            replies.append(body)
        return Response(status_code=200)

    return app
