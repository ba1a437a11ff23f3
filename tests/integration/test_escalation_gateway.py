"""Escalation and gateway on the real broker and Redis: scored posts become readable decisions."""

from __future__ import annotations

import pytest

from services.contracts import topics
from services.contracts.events import ModelInfo, Post, PostScored, post_id_for
from services.escalation.app import create_app as create_escalation
from services.escalation.config import Settings as EscalationSettings
from services.gateway.config import Settings as GatewaySettings
from services.gateway.main import create_app as create_gateway
from tests.conftest import Infra
from tests.integration.helpers import collect, eventually, produce, running

pytestmark = pytest.mark.integration

MODEL = ModelInfo(id="test", version="1")


def scored(tenant: str, external_id: str, scores: dict[str, float]) -> PostScored:
    post = Post(
        post_id=post_id_for(tenant, external_id),
        tenant=tenant,
        external_id=external_id,
        author_id="a1",
        text="some text",
    )
    return PostScored(post=post, scores=scores, model=MODEL)


@pytest.fixture(scope="module")
async def pipeline(infra: Infra):
    escalation = create_escalation(
        EscalationSettings(kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url)
    )
    gateway = create_gateway(
        GatewaySettings(kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url)
    )
    async with running(escalation), running(gateway) as client:
        yield client


async def test_scored_posts_become_decisions_with_reasons(
    pipeline, infra: Infra, tenant: str
) -> None:
    calm = scored(tenant, "calm", {"toxicity": 0.01, "severe_toxicity": 0.0})
    severe = scored(tenant, "severe", {"toxicity": 0.99, "severe_toxicity": 0.95})
    await produce(
        infra.kafka_bootstrap,
        topics.POSTS_SCORED,
        [e.model_dump_json().encode() for e in (calm, severe)],
    )

    async def both_decided():
        views = [
            (await pipeline.get(f"/v1/posts/{e.post.post_id}/decision")).json()
            for e in (calm, severe)
        ]
        return views if all(v.get("status") == "decided" for v in views) else None

    calm_view, severe_view = await eventually(both_decided)
    assert calm_view["action"] == "allow" and calm_view["reasons"] == []
    assert severe_view["action"] == "remove"
    assert [r["rule"] for r in severe_view["reasons"]] == ["severe-toxicity", "very-toxic", "toxic"]
    assert severe_view["policy"] == {"id": "default", "version": "1"}


async def test_a_redelivered_post_is_decided_once(pipeline, infra: Infra, tenant: str) -> None:
    event = scored(tenant, "twice", {"toxicity": 0.8})
    payload = event.model_dump_json().encode()
    await produce(infra.kafka_bootstrap, topics.POSTS_SCORED, [payload, payload])
    marker = scored(tenant, "marker", {"toxicity": 0.0})
    await produce(infra.kafka_bootstrap, topics.POSTS_SCORED, [marker.model_dump_json().encode()])

    decisions = await collect(
        infra.kafka_bootstrap,
        topics.DECISIONS,
        until=lambda found: any(d["post_id"] == marker.post.post_id for d in found),
        match=lambda d: d["tenant"] == tenant,
    )
    assert [d["post_id"] for d in decisions].count(event.post.post_id) == 1


async def test_poison_decision_goes_to_dead_letter(pipeline, infra: Infra, tenant: str) -> None:
    await produce(infra.kafka_bootstrap, topics.DECISIONS, [f'{{"tenant": "{tenant}"}}'.encode()])
    letters = await collect(
        infra.kafka_bootstrap,
        topics.DEAD_LETTER,
        until=lambda found: len(found) >= 1,
        match=lambda m: m["service"] == "gateway" and tenant in m["payload"],
    )
    assert letters[0]["error_kind"] == "invalid_schema"
