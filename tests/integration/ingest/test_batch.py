"""`POST /v1/posts:batch` on real Kafka and Redis: per-item answers, the same idempotency as
single posts, and exactly the accepted items on the posts topic."""

from __future__ import annotations

import httpx
import pytest

from services.contracts import topics
from tests.conftest import Infra
from tests.integration.helpers import bearer, collect, ingest_knows

pytestmark = pytest.mark.integration


def item(n: int, text: str | None = None) -> dict:
    return {"external_id": f"b-{n}", "author_id": f"u-{n % 7}", "text": text or f"post {n}"}


async def test_a_batch_is_answered_per_item_and_bad_items_fail_alone(
    ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant)
    await ingest_knows(ingest, headers)
    single = await ingest.post("/v1/posts", json=item(0), headers=headers)
    assert single.status_code == 202
    posts = [item(n) for n in range(200)] + [item(200, text="  "), {"external_id": "x"}]
    posts += [item(0, text="other content"), item(5)]  # a conflict, and a repeat in the batch
    answer = await ingest.post("/v1/posts:batch", json={"posts": posts}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    statuses = [r["status"] for r in body["results"]]
    assert [r["index"] for r in body["results"]] == list(range(len(posts)))
    assert statuses[0] == "duplicate"  # submitted alone before: same post id
    assert body["results"][0]["post_id"] == single.json()["post_id"]
    assert statuses[1:200] == ["accepted"] * 199
    assert [(body["results"][i]["error"] or {}).get("code") for i in (200, 201, 202)] == [
        "text_empty",
        "invalid_request",
        "external_id_conflict",
    ]
    assert statuses[203] == "duplicate"
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (199, 2, 3)
    accepted = {r["post_id"] for r in body["results"] if r["status"] == "accepted"}
    on_topic = await collect(
        infra.kafka_bootstrap,
        topics.POSTS_SUBMITTED,
        until=lambda found: (
            {m["post"]["post_id"] for m in found} >= accepted | {single.json()["post_id"]}
        ),
        match=lambda m: m.get("post", {}).get("tenant") == tenant,
    )
    ids = [m["post"]["post_id"] for m in on_topic]
    assert sorted(ids) == sorted(accepted | {single.json()["post_id"]})  # each once, no rejects
    assert all(m["_key"] == f"{tenant}:{m['post']['author_id']}" for m in on_topic)

    again = await ingest.post("/v1/posts:batch", json={"posts": posts[:200]}, headers=headers)
    assert {r["status"] for r in again.json()["results"]} == {"duplicate"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [({"posts": []}, "posts"), ({"posts": [item(1)] * 501}, "posts"), ({}, "posts")],
)
async def test_a_body_that_is_not_a_batch_is_422(
    ingest: httpx.AsyncClient, infra: Infra, tenant: str, body: dict, problem: str
) -> None:
    headers = await bearer(infra, tenant)
    await ingest_knows(ingest, headers)
    answer = await ingest.post("/v1/posts:batch", json=body, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == problem


async def test_a_batch_needs_a_key(ingest: httpx.AsyncClient) -> None:
    answer = await ingest.post("/v1/posts:batch", json={"posts": [item(1)]})
    assert answer.status_code == 401
