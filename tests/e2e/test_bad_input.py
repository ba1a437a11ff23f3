"""Bad submissions get a 4xx with a JSON body naming the problem, and nothing is published."""

from __future__ import annotations

import httpx
import pytest

from services.contracts import topics
from tests.conftest import Infra
from tests.e2e.conftest import Stack
from tests.integration.helpers import collect

pytestmark = pytest.mark.e2e


def valid(tenant: str, **changes: object) -> dict:
    body = {"tenant": tenant, "external_id": "x-1", "author_id": "a-1", "text": "hello there"}
    return {**body, **changes}


@pytest.fixture
async def ingest(stack: Stack, platform_headers: dict[str, str]):
    async with httpx.AsyncClient(
        base_url=stack.url("ingest"), timeout=10, headers=platform_headers
    ) as client:
        yield client


async def test_invalid_json_is_400(ingest: httpx.AsyncClient) -> None:
    response = await ingest.post(
        "/v1/posts",
        content=b'{"tenant": "a", "text": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


async def test_missing_fields_are_named(ingest: httpx.AsyncClient, tenant: str) -> None:
    body = valid(tenant)
    del body["author_id"], body["text"]
    response = await ingest.post("/v1/posts", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert {d["field"] for d in error["details"]} == {"author_id", "text"}


@pytest.mark.parametrize("text", ["", "   \n\t "])
async def test_empty_text_is_rejected(ingest: httpx.AsyncClient, tenant: str, text: str) -> None:
    response = await ingest.post("/v1/posts", json=valid(tenant, text=text))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "text_empty"
    assert response.json()["error"]["details"][0]["field"] == "text"


async def test_text_over_the_limit_is_rejected(ingest: httpx.AsyncClient, tenant: str) -> None:
    response = await ingest.post("/v1/posts", json=valid(tenant, text="a" * 20_001))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "text_too_long"
    assert "20000" in response.json()["error"]["message"]


async def test_text_at_the_limit_is_accepted(ingest: httpx.AsyncClient, tenant: str) -> None:
    response = await ingest.post("/v1/posts", json=valid(tenant, text="a" * 20_000))
    assert response.status_code == 202


async def test_wrong_types_and_unknown_fields_are_422(
    ingest: httpx.AsyncClient, tenant: str
) -> None:
    response = await ingest.post("/v1/posts", json=valid(tenant, text=42, colour="red"))
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {"text", "colour"}


async def test_rejected_input_publishes_nothing(
    ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    bad = [
        valid(tenant, external_id="empty", text=" "),
        valid(tenant, external_id="long", text="b" * 20_001),
        valid(tenant, external_id="notext", text=None),
        {**valid(tenant, external_id="bad-tenant"), "tenant": f"{tenant} bad"},
    ]
    for body in bad:
        assert (await ingest.post("/v1/posts", json=body)).status_code == 422
    marker = await ingest.post("/v1/posts", json=valid(tenant, external_id="marker"))
    assert marker.status_code == 202

    published = await collect(
        infra.kafka_bootstrap,
        topics.POSTS_SUBMITTED,
        until=lambda found: any(m["post"]["external_id"] == "marker" for m in found),
        match=lambda m: m["post"]["tenant"].startswith(tenant),
    )
    assert [m["post"]["external_id"] for m in published] == ["marker"]
