"""Escalation is killed mid-stream and restarted: every post still gets exactly one decision."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import httpx
import pytest

from services.contracts import topics
from tests.conftest import Infra
from tests.e2e.conftest import Stack
from tests.e2e.test_pipeline import post_body, wait_for_decisions
from tests.integration.helpers import collect

pytestmark = pytest.mark.e2e

POSTS = 200


async def test_escalation_crash_mid_stream_loses_and_duplicates_nothing(
    stack: Stack, infra: Infra, tenant: str, platform_headers: dict[str, str]
) -> None:
    escalation = stack.services["escalation"]
    ingest = stack.url("ingest")
    post_ids: list[str] = []

    async with httpx.AsyncClient(timeout=30) as client:

        async def feed() -> None:
            for i in range(POSTS):
                response = await client.post(
                    f"{ingest}/v1/posts", json=post_body(tenant, i), headers=platform_headers
                )
                assert response.status_code == 202, response.text
                post_ids.append(response.json()["post_id"])
                await asyncio.sleep(0.01)

        feeder = asyncio.create_task(feed())
        while len(post_ids) < POSTS // 3:
            await asyncio.sleep(0.05)
        escalation.kill()  # SIGKILL: no graceful shutdown, offsets of the batch in flight uncommitted
        await asyncio.sleep(2)
        await asyncio.to_thread(escalation.start)
        await feeder

        decided = await wait_for_decisions(client, stack.url("gateway"), post_ids, platform_headers)

    assert len(decided) == POSTS
    on_topic = await collect(
        infra.kafka_bootstrap,
        topics.DECISIONS,
        until=lambda found: {d["post_id"] for d in found} >= set(post_ids),
        match=lambda d: d.get("tenant") == tenant,
    )
    decision_ids: dict[str, set[str]] = defaultdict(set)
    for decision in on_topic:
        decision_ids[decision["post_id"]].add(decision["event_id"])
        assert decision["_key"] == f"{tenant}:{decision['author_id']}"
    assert set(decision_ids) == set(post_ids)
    # A redelivery may repeat a decision event, but never makes a second, different decision.
    assert all(len(ids) == 1 for ids in decision_ids.values())
    assert {d["decision_id"] for d in decided.values()} == {
        next(iter(ids)) for ids in decision_ids.values()
    }
