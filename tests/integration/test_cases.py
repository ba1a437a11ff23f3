"""Cases on the real broker and Redis: escalate -> case -> moderator actions -> updated decision,
appeals, and SLA breaches across a restart."""

from __future__ import annotations

import asyncio
import shutil
import time
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.cases import case_id_for
from services.contracts.events import ModelInfo, Post, PostScored, moderator_action, post_id_for
from services.escalation.adapters.cases import queue_key
from services.escalation.adapters.state import StrikeLedger
from services.escalation.app import create_app as create_escalation
from services.escalation.config import REPO_POLICIES
from services.escalation.config import Settings as EscalationSettings
from services.gateway.config import Settings as GatewaySettings
from services.gateway.main import create_app as create_gateway
from tests.conftest import Infra
from tests.integration.helpers import collect, eventually, produce, reader, running

pytestmark = pytest.mark.integration

FAST_SLA = """id: fast-sla
version: "1"
queues:
  general: {{priority: 3, sla_minutes: {minutes}, escalate_to: leads}}
  leads: {{priority: 0, sla_minutes: 60}}
rules:
  - {{id: hold-toxic, action: hold, clause: "G1", when: {{scores: {{toxicity: 0.5}}}}}}
"""


@pytest.fixture(scope="module")
def policy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("case-policies")
    shutil.copytree(REPO_POLICIES, folder, dirs_exist_ok=True)
    return folder


def escalation_app(infra: Infra, policy_dir: Path):
    return create_escalation(
        EscalationSettings(
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            redis_url=infra.redis_url,
            policy_dir=policy_dir,
            policy_reload_seconds=0.2,
            sla_check_seconds=0.3,
        )
    )


@pytest.fixture(scope="module")
async def gateway(infra: Infra):
    app = create_gateway(
        GatewaySettings(kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url)
    )
    async with running(app) as client:
        yield client


@asynccontextmanager
async def escalation(infra: Infra, policy_dir: Path):
    async with running(escalation_app(infra, policy_dir)) as client:
        yield client


def scored(tenant: str, external_id: str, scores: dict[str, float]) -> PostScored:
    post = Post(
        post_id=post_id_for(tenant, external_id),
        tenant=tenant,
        external_id=external_id,
        author_id="a1",
        text="t",
    )
    return PostScored(post=post, scores=scores, model=ModelInfo(id="test", version="1"))


async def act(infra: Infra, event: PostScored, verb: str, moderator: str, **arguments) -> str:
    action = moderator_action(
        case_id=case_id_for(event.post.post_id), tenant=event.post.tenant, author_id=event.post.author_id,
        moderator_id=moderator, command=verb, reason=f"{verb} by {moderator}",
        **({"arguments": arguments} if arguments else {}),
    )  # fmt: skip
    await produce(
        infra.kafka_bootstrap,
        topics.MODERATOR_ACTIONS,
        [action.model_dump_json().encode()],
        key=b"t:a1",
    )
    return action.action_id


async def case_events(infra: Infra, case_id: str, count: int) -> list[dict]:
    return await collect(
        infra.kafka_bootstrap,
        topics.CASE_EVENTS,
        until=lambda f: len(f) >= count,
        match=lambda e: e["case_id"] == case_id,
    )


async def decision(gateway, post_id: str, revision: int, tenant: str) -> dict:
    headers = await reader(tenant)

    async def check():
        view = (await gateway.get(f"/v1/posts/{post_id}/decision", headers=headers)).json()
        return view if view.get("revision") == revision else None

    return await eventually(check)


async def test_escalate_case_moderator_action_updated_decision_and_appeal(
    infra: Infra, policy_dir: Path, gateway, tenant: str
) -> None:
    threat = scored(tenant, "threat", {"threat": 0.95, "toxicity": 0.9})
    case_id = case_id_for(threat.post.post_id)
    async with escalation(infra, policy_dir):
        await produce(
            infra.kafka_bootstrap, topics.POSTS_SCORED, [threat.model_dump_json().encode()]
        )
        automated = await decision(gateway, threat.post.post_id, 0, tenant)
        assert (automated["action"], automated["decided_by"]) == ("escalate", "automated")
        opened = await case_events(infra, case_id, 1)
        assert (opened[0]["kind"], opened[0]["queue"], opened[0]["priority"]) == (
            "opened",
            "safety",
            0,
        )
        redis = Redis.from_url(infra.redis_url, decode_responses=True)
        assert await redis.zrange(queue_key(tenant, "safety"), 0, -1) == [case_id]

        await act(infra, threat, "claim", "mod-1")
        await act(infra, threat, "claim", "mod-2")  # someone else holds it
        await act(infra, threat, "remove", "mod-1")
        first = await decision(gateway, threat.post.post_id, 1, tenant)
        assert (first["action"], first["decided_by"]) == ("remove", "mod-1")
        assert await redis.zrange(queue_key(tenant, "safety"), 0, -1) == []

        await act(infra, threat, "appeal", "author")
        await act(infra, threat, "claim", "mod-1")  # the first decider may not decide the appeal
        await act(infra, threat, "claim", "mod-2")
        await act(infra, threat, "approve", "mod-2")
        final = await decision(gateway, threat.post.post_id, 2, tenant)
        assert (final["action"], final["decided_by"]) == ("allow", "mod-2")

        events = await case_events(infra, case_id, 8)
        assert [(e["kind"], e["actor"]) for e in events] == [
            ("opened", "system"), ("claimed", "mod-1"), ("rejected", "mod-2"), ("resolved", "mod-1"),
            ("appealed", "author"), ("rejected", "mod-1"), ("claimed", "mod-2"), ("resolved", "mod-2"),
        ]  # fmt: skip
        strikes = await collect(
            infra.kafka_bootstrap,
            topics.STRIKES,
            until=lambda found: any(e["removed"] for e in found),
            match=lambda e: e["post_id"] == threat.post.post_id,
        )
        assert [(e["removed"], e["weight"]) for e in strikes] == [
            (False, 2),
            (True, 2),
        ]  # lifted on appeal
        assert await StrikeLedger(redis).count(tenant, None, "a1", time.time(), 90) == 0
        assert events[2]["reason"] == "already claimed by mod-1"
        assert "other than the one who decided first" in events[5]["reason"]
        assert all(e["occurred_at"] for e in events)
        await redis.aclose()


async def test_sla_breach_survives_a_restart(infra: Infra, policy_dir: Path, tenant: str) -> None:
    (policy_dir / f"{tenant}.yaml").write_text(FAST_SLA.format(minutes=0.05))  # 3 s
    post = scored(tenant, "slow", {"toxicity": 0.9})
    case_id = case_id_for(post.post.post_id)
    async with escalation(infra, policy_dir):
        await asyncio.sleep(0.5)  # the policy reload
        await produce(infra.kafka_bootstrap, topics.POSTS_SCORED, [post.model_dump_json().encode()])
        assert (await case_events(infra, case_id, 1))[0]["queue"] == "general"
    # escalation is down when the deadline passes; the timer lives in Redis and Kafka, not memory
    await asyncio.sleep(3.5)
    async with escalation(infra, policy_dir) as client:
        events = await case_events(infra, case_id, 2)
        assert (events[1]["kind"], events[1]["actor"], events[1]["queue"]) == (
            "escalated",
            "system",
            "leads",
        )
        assert events[1]["reason"].startswith("SLA breached")
        metrics = (await client.get("/metrics")).text
        assert 'escalation_sla_breaches_total{queue="general"}' in metrics


COMPLAINTS = """id: complaints
version: "1"
default_queue: feedback
queues:
  feedback: {priority: 5, sla_minutes: 60, response_sla_minutes: 0.05, escalate_to: leads}
  leads: {priority: 4, sla_minutes: 60, response_sla_minutes: 60}
rules:
  - {id: civil, action: allow, queue: feedback, when: {below: {toxicity: 0.5}}}
"""


async def test_an_unanswered_complaint_escalates_past_its_response_sla(
    infra: Infra, policy_dir: Path, tenant: str
) -> None:
    (policy_dir / f"{tenant}.yaml").write_text(COMPLAINTS)  # answered within 3 s, or escalated
    post = scored(tenant, "complaint", {"toxicity": 0.1})
    case_id = case_id_for(post.post.post_id)
    async with escalation(infra, policy_dir) as client:
        await asyncio.sleep(0.5)  # the policy reload
        await produce(infra.kafka_bootstrap, topics.POSTS_SCORED, [post.model_dump_json().encode()])
        events = await case_events(infra, case_id, 2)
        metrics = (await client.get("/metrics")).text
    assert [(e["kind"], e["queue"], e["actor"]) for e in events] == [
        ("opened", "feedback", "system"),
        ("escalated", "leads", "system"),
    ]
    assert events[1]["reason"].startswith("SLA breached: unanswered past")
    assert 'escalation_response_sla_breaches_total{queue="feedback"} 1.0' in metrics


async def test_a_moderator_sanction_removes_the_post_and_sanctions_the_author(
    infra: Infra, policy_dir: Path, gateway, tenant: str
) -> None:
    threat = scored(tenant, "sanctioned", {"threat": 0.95})
    async with escalation(infra, policy_dir):
        await produce(
            infra.kafka_bootstrap, topics.POSTS_SCORED, [threat.model_dump_json().encode()]
        )
        await decision(gateway, threat.post.post_id, 0, tenant)
        await act(infra, threat, "claim", "mod-3")
        await act(infra, threat, "sanction", "mod-3", sanction="suspend", duration_hours=48)
        final = await decision(gateway, threat.post.post_id, 1, tenant)
        sanctions = await collect(
            infra.kafka_bootstrap,
            topics.SANCTIONS,
            until=lambda f: len(f) >= 2,
            match=lambda m: m["tenant"] == tenant,
        )
    assert (final["action"], final["decided_by"]) == ("remove", "mod-3")
    # the threat rule's 2 strikes already warned automatically; then the moderator's suspension
    assert [(s["sanction"], s["duration_hours"]) for s in sanctions] == [
        ("warn", None),
        ("suspend", 48),
    ]
