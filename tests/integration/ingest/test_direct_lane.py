"""`POST /v1/posts` answered in the direct lane (`services.shared.direct`) says exactly what the
FastAPI route says: the same requests go to ingest as it runs and to ingest with the lane taken
out, and every answer (status, error code, message, details, headers that matter) must match.
Real Kafka and Redis."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest
from services.shared.direct import DirectRoutes
from tests.conftest import Infra
from tests.integration.helpers import bearer, ingest_knows, running

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def plain_ingest(infra: Infra) -> AsyncIterator[httpx.AsyncClient]:
    settings = IngestSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url
    )
    app = create_ingest(settings)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not DirectRoutes]
    async with running(app) as client:
        yield client


def cases(prefix: str, key: str) -> list[tuple[str, dict]]:
    """(what, httpx request arguments); external ids start with `prefix`, so the two apps'
    posts never meet, and repeats within one app mean what they say."""
    auth = {"authorization": f"Bearer {key}"}
    post = {"external_id": f"{prefix}-1", "author_id": "u-1", "text": "hello there"}
    raw = json.dumps(post).encode()
    return [
        ("accepted", {"json": post, "headers": auth}),
        ("a retry", {"json": post, "headers": auth}),
        ("other content", {"json": {**post, "text": "else"}, "headers": auth}),
        ("another tenant", {"json": {**post, "tenant": "someone-else"}, "headers": auth}),
        ("no key", {"json": post}),
        ("a wrong key", {"json": post, "headers": {"authorization": "Bearer mk_no.no"}}),
        ("X-API-Key", {"json": post, "headers": {"x-api-key": key}}),
        ("?key=", {"json": post, "params": {"key": key}}),
        (
            "Basic, then X-API-Key",
            {"json": post, "headers": {"authorization": "Basic eA==", "x-api-key": key}},
        ),
        ("bad JSON", {"content": b"{nope", "headers": auth | {"content-type": "application/json"}}),
        ("no content type", {"content": raw, "headers": auth}),
        ("text/plain", {"content": raw, "headers": auth | {"content-type": "text/plain"}}),
        ("+json", {"content": raw, "headers": auth | {"content-type": "application/x+json"}}),
        (
            "empty text",
            {"json": {**post, "external_id": f"{prefix}-2", "text": " "}, "headers": auth},
        ),
        ("unknown field", {"json": {**post, "colour": "red"}, "headers": auth}),
        ("a NUL", {"json": {**post, "text": "a\x00b"}, "headers": auth}),
        ("answers itself", {"json": {**post, "reply_to": post["external_id"]}, "headers": auth}),
        ("a list", {"json": [post], "headers": auth}),
        ("too long", {"json": {**post, "text": "x" * 100_001}, "headers": auth}),
    ]


def seen(answer: httpx.Response, prefix: str) -> tuple:
    body = answer.text
    if answer.status_code == 202:  # ids differ with the external id; the shape must not
        data = answer.json()
        body = sorted(
            (k, type(v).__name__, v if k == "duplicate" else None) for k, v in data.items()
        )
    retry = answer.headers.get("retry-after")
    return answer.status_code, answer.headers.get("content-type"), retry, body


async def test_the_lane_answers_as_fastapi_does(
    ingest: httpx.AsyncClient, plain_ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant)
    key = headers["authorization"].removeprefix("Bearer ")
    await ingest_knows(ingest, headers)
    await ingest_knows(plain_ingest, headers)
    lane, plain = cases("lane", key), cases("plain", key)
    statuses = []
    for (what, asked), (_, asked_plain) in zip(lane, plain, strict=True):
        by_lane = await ingest.post("/v1/posts", **asked)
        by_fastapi = await plain_ingest.post("/v1/posts", **asked_plain)
        assert seen(by_lane, "lane") == seen(by_fastapi, "plain"), what
        statuses.append(by_lane.status_code)
    # the cases reach every answer the route gives, not just the happy one
    assert {202, 400, 401, 403, 409, 422} <= set(statuses), statuses


async def test_the_lane_is_counted_under_the_routes_template(
    ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant)
    await ingest_knows(ingest, headers)

    def counted(text: str) -> float:
        series = (
            'http_requests_total{method="POST",route="/v1/posts",service="ingest",status="202"}'
        )
        found = [line for line in text.splitlines() if line.startswith(series)]
        return float(found[0].rsplit(" ", 1)[1]) if found else 0.0

    before = counted((await ingest.get("/metrics")).text)
    post = {"external_id": "counted-1", "author_id": "u-1", "text": "hello"}
    assert (await ingest.post("/v1/posts", json=post, headers=headers)).status_code == 202
    assert counted((await ingest.get("/metrics")).text) == before + 1
