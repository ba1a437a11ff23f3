"""A post submitted over HTTP flows through all four services and its decision is readable."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

POSTS = 200
TEXTS = [
    "Thanks for the quick fix, the app works great now.",
    "This update is terrible, I want a refund.",
    "You are a complete idiot and everyone hates you.",
    "I will find you and hurt you.",
    "Does anyone know when the next release ships?",
]


def post_body(tenant: str, i: int) -> dict:
    return {
        "tenant": tenant,
        "external_id": f"post-{i}",
        "author_id": f"author-{i % 17}",
        "text": f"{TEXTS[i % len(TEXTS)]} (#{i})",
        "community": "general",
    }


async def submit_all(
    client: httpx.AsyncClient, ingest: str, tenant: str, count: int, headers: dict[str, str]
) -> list[str]:
    async def submit(i: int) -> str:
        response = await client.post(
            f"{ingest}/v1/posts", json=post_body(tenant, i), headers=headers
        )
        assert response.status_code == 202, response.text
        return response.json()["post_id"]

    ids: list[str] = []
    for start in range(0, count, 20):
        ids += await asyncio.gather(*(submit(i) for i in range(start, min(start + 20, count))))
    return ids


async def wait_for_decisions(
    client: httpx.AsyncClient,
    gateway: str,
    post_ids: list[str],
    headers: dict[str, str],
    timeout: float = 180,
) -> dict[str, dict]:
    decided: dict[str, dict] = {}
    deadline = time.monotonic() + timeout
    while len(decided) < len(post_ids) and time.monotonic() < deadline:
        for post_id in [p for p in post_ids if p not in decided]:
            response = await client.get(f"{gateway}/v1/posts/{post_id}/decision", headers=headers)
            if response.status_code == 404:  # the gateway has not read it on the posts topic yet
                continue  # (documented: a 404 for the moments after ingest's 202, then pending)
            assert response.status_code == 200, response.text
            if response.json()["status"] == "decided":
                decided[post_id] = response.json()
        await asyncio.sleep(0.5)
    return decided


async def test_two_hundred_posts_all_decided_none_lost_none_duplicated(
    stack: Stack, tenant: str, platform_headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        post_ids = await submit_all(client, stack.url("ingest"), tenant, POSTS, platform_headers)
        assert len(set(post_ids)) == POSTS

        decided = await wait_for_decisions(client, stack.url("gateway"), post_ids, platform_headers)

    assert len(decided) == POSTS, f"{POSTS - len(decided)} posts never got a decision"
    assert {d["post_id"] for d in decided.values()} == set(post_ids)
    assert all(d["revision"] == 0 and d["decided_by"] == "automated" for d in decided.values())
    assert len({d["decision_id"] for d in decided.values()}) == POSTS
    actions = {d["action"] for d in decided.values()}
    assert "allow" in actions and actions != {"allow"}, actions  # a real model tells them apart
    assert all(set(d["scores"]) >= {"toxicity", "insult", "threat"} for d in decided.values())


async def test_decision_is_pending_before_it_exists_and_unknown_posts_are_404(
    stack: Stack, tenant: str, platform_headers: dict[str, str]
) -> None:
    async with httpx.AsyncClient(timeout=30, headers=platform_headers) as client:
        unknown = await client.get(f"{stack.url('gateway')}/v1/posts/no-such-post/decision")
        assert unknown.status_code == 404
        assert unknown.json()["error"]["code"] == "post_not_found"

        stack.services["escalation"].stop(timeout=15)  # decisions cannot be made while it is down
        try:
            accepted = await client.post(
                f"{stack.url('ingest')}/v1/posts", json=post_body(tenant, 1)
            )
            status_url = accepted.json()["status_url"]
            assert status_url.startswith(stack.url("gateway"))
            # the gateway learns of the post from the posts topic, moments after the 202
            deadline = time.monotonic() + 10
            pending = await client.get(status_url)
            while pending.status_code == 404 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                pending = await client.get(status_url)
            assert pending.status_code == 200
            assert pending.json() == {
                "type": "decision",
                "schema_version": 1,
                "post_id": accepted.json()["post_id"],
                "status": "pending",
            }
        finally:
            stack.services["escalation"].start()
        decided = await wait_for_decisions(
            client, stack.url("gateway"), [accepted.json()["post_id"]], platform_headers
        )
        assert decided


async def test_resubmitting_the_same_external_id_gives_the_same_post_and_one_pipeline_run(
    stack: Stack, tenant: str, platform_headers: dict[str, str]
) -> None:
    body = post_body(tenant, 7)
    async with httpx.AsyncClient(timeout=30, headers=platform_headers) as client:
        first = await client.post(f"{stack.url('ingest')}/v1/posts", json=body)
        again = await asyncio.gather(
            *(client.post(f"{stack.url('ingest')}/v1/posts", json=body) for _ in range(5))
        )
        assert first.status_code == 202 and first.json()["duplicate"] is False
        assert {r.json()["post_id"] for r in again} == {first.json()["post_id"]}
        assert all(r.status_code == 202 and r.json()["duplicate"] is True for r in again)

        metrics = (await client.get(f"{stack.url('ingest')}/metrics")).text
        assert f'ingest_posts_accepted_total{{tenant="{tenant}"}} 1.0' in metrics

        conflict = await client.post(
            f"{stack.url('ingest')}/v1/posts", json={**body, "text": "different content"}
        )
        assert conflict.status_code == 409
        assert conflict.json()["error"]["code"] == "external_id_conflict"


async def test_every_service_serves_health_readiness_and_metrics(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        for name in stack.services:
            base = stack.url(name)
            assert (await client.get(f"{base}/healthz")).json() == {"status": "ok"}
            ready = await client.get(f"{base}/readyz")
            assert ready.status_code == 200 and ready.json()["status"] == "ready", (
                name,
                ready.text,
            )
            metrics = await client.get(f"{base}/metrics")
            assert metrics.status_code == 200 and "# TYPE" in metrics.text
        classifier_metrics = (await client.get(f"{stack.url('classifier')}/metrics")).text
        assert 'classifier_model_info{id="offline-minilm-l6-ngram"' in classifier_metrics
