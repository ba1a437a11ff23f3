"""Escalation and gateway on the real broker and Redis: scored posts become readable decisions."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from services.contracts import topics
from services.contracts.events import ModelInfo, Post, PostScored, post_id_for
from services.escalation.app import create_app as create_escalation
from services.escalation.cli import main as cli_main
from services.escalation.config import REPO_POLICIES
from services.escalation.config import Settings as EscalationSettings
from services.gateway.config import Settings as GatewaySettings
from services.gateway.main import create_app as create_gateway
from tests.conftest import Infra
from tests.integration.helpers import (
    collect,
    eventually,
    produce,
    produce_together,
    reader,
    running,
)

pytestmark = pytest.mark.integration

MODEL = ModelInfo(id="test", version="1")


def scored(
    tenant: str,
    external_id: str,
    scores: dict[str, float],
    text: str = "some text",
    community: str | None = None,
    **conversation: str,
) -> PostScored:
    post = Post(
        post_id=post_id_for(tenant, external_id),
        tenant=tenant,
        external_id=external_id,
        author_id="a1",
        text=text,
        community=community,
        **conversation,
    )
    return PostScored(post=post, scores=scores, model=MODEL)


async def publish(infra: Infra, *events: PostScored) -> None:
    await produce(
        infra.kafka_bootstrap, topics.POSTS_SCORED, [e.model_dump_json().encode() for e in events]
    )


async def decision_of(pipeline, event: PostScored) -> dict:
    async def decided():
        headers = await reader(event.post.tenant)
        view = (
            await pipeline.get(f"/v1/posts/{event.post.post_id}/decision", headers=headers)
        ).json()
        return view if view.get("status") == "decided" else None

    return await eventually(decided)


@pytest.fixture(scope="module")
def policy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("policies")
    shutil.copytree(REPO_POLICIES, folder, dirs_exist_ok=True)
    return folder


@pytest.fixture(scope="module")
async def pipeline(infra: Infra, policy_dir: Path):
    escalation = create_escalation(
        EscalationSettings(
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            redis_url=infra.redis_url,
            policy_dir=policy_dir,
            policy_reload_seconds=0.2,
        )
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
    severe = scored(
        tenant,
        "severe",
        {"toxicity": 0.99, "severe_toxicity": 0.95},
        reply_to="calm",
        thread_id="t1",
    )
    await produce(
        infra.kafka_bootstrap,
        topics.POSTS_SCORED,
        [e.model_dump_json().encode() for e in (calm, severe)],
    )

    async def both_decided():
        views = [
            (
                await pipeline.get(
                    f"/v1/posts/{e.post.post_id}/decision", headers=await reader(tenant)
                )
            ).json()
            for e in (calm, severe)
        ]
        return views if all(v.get("status") == "decided" for v in views) else None

    calm_view, severe_view = await eventually(both_decided)
    assert calm_view["action"] == "allow" and calm_view["reasons"] == []
    assert severe_view["action"] == "remove"
    assert [r["rule"] for r in severe_view["reasons"]] == ["severe-toxicity", "very-toxic", "toxic"]
    assert severe_view["policy"] == {"id": "default", "version": "5"}
    assert (severe_view["reply_to"], severe_view["thread_id"]) == ("calm", "t1")
    assert "reply_to" not in calm_view and "thread_id" not in calm_view  # none: left out


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


async def first_sanctions(infra: Infra, tenant: str, count: int) -> list[dict]:
    return await collect(
        infra.kafka_bootstrap,
        topics.SANCTIONS,
        until=lambda found: len(found) >= count,
        match=lambda m: m["tenant"] == tenant,
    )


async def test_strikes_accumulate_and_cross_into_a_sanction(
    pipeline, infra: Infra, tenant: str
) -> None:
    # default policy: severe-toxicity gives 2 strikes; the ladder warns at 2 and mutes at 4
    posts = [scored(tenant, f"s{i}", {"severe_toxicity": 0.95, "toxicity": 0.95}) for i in range(2)]
    await publish(infra, *posts)
    sanctions = await first_sanctions(infra, tenant, 2)
    assert [(s["sanction"], s["strikes"]) for s in sanctions] == [("warn", 2), ("mute", 4)]
    assert sanctions[1]["duration_hours"] == 24 and sanctions[1]["_key"] == f"{tenant}:a1"
    strikes = await collect(
        infra.kafka_bootstrap,
        topics.STRIKES,
        until=lambda found: len(found) >= 2,
        match=lambda m: m["tenant"] == tenant,
    )
    assert sorted(s["post_id"] for s in strikes) == sorted(p.post.post_id for p in posts)
    view = await decision_of(pipeline, posts[1])
    assert view["action"] == "remove"


async def test_two_strikes_of_one_author_in_one_batch_both_count(
    pipeline, infra: Infra, tenant: str
) -> None:
    # One record batch, so one handler call: the second post must see the first one's strikes,
    # which are not in Redis yet when the batch is decided.
    posts = [scored(tenant, f"b{i}", {"severe_toxicity": 0.95, "toxicity": 0.95}) for i in range(2)]
    await produce_together(
        infra.kafka_bootstrap, topics.POSTS_SCORED, [e.model_dump_json().encode() for e in posts]
    )
    sanctions = await first_sanctions(infra, tenant, 2)
    assert [(s["sanction"], s["strikes"]) for s in sanctions] == [("warn", 2), ("mute", 4)]


async def test_a_decision_carries_its_statement_of_reasons(
    pipeline, infra: Infra, tenant: str
) -> None:
    event = scored(tenant, "sor", {"toxicity": 0.95})
    await publish(infra, event)
    decisions = await collect(
        infra.kafka_bootstrap,
        topics.DECISIONS,
        until=lambda f: len(f) >= 1,
        match=lambda d: d["tenant"] == tenant,
    )
    statement = decisions[0]["statement"]
    assert decisions[0]["action"] == "hold" and decisions[0]["queue"] == "general"
    assert statement["restriction"]["visibility"] == "held"
    assert statement["automation"] == "partly_automated"
    assert statement["ground"].startswith("default v5: Community guidelines 2.4")


async def test_tenant_policy_is_hot_reloaded_and_a_bad_file_keeps_the_previous(
    pipeline, infra: Infra, tenant: str, policy_dir: Path
) -> None:
    strict = "id: strict\nversion: '{v}'\nrules:\n  - {{id: any-toxicity, action: remove, clause: c, when: {{scores: {{toxicity: {t}}}}}}}\n"
    (policy_dir / f"{tenant}.yaml").write_text(strict.format(v=1, t=0.3))
    await asyncio.sleep(1.0)
    first = scored(tenant, "h1", {"toxicity": 0.4})
    await publish(infra, first)
    view = await decision_of(pipeline, first)
    assert (view["action"], view["policy"]) == ("remove", {"id": "strict", "version": "1"})

    (policy_dir / f"{tenant}.yaml").write_text(strict.format(v=2, t="high"))  # invalid
    await asyncio.sleep(1.0)
    second = scored(tenant, "h2", {"toxicity": 0.4})
    await publish(infra, second)
    view = await decision_of(pipeline, second)
    assert view["policy"] == {"id": "strict", "version": "1"}  # the bad version never went live


async def test_a_shadow_policy_is_recorded_and_counted_but_never_acts(
    pipeline, infra: Infra, tenant: str, policy_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    candidate = "id: candidate\nversion: '9'\nrules:\n  - {id: strict, action: remove, clause: c, when: {scores: {toxicity: 0.3}}}\n"
    (policy_dir / f"{tenant}.shadow.yaml").write_text(candidate)
    await asyncio.sleep(1.0)
    event = scored(tenant, "shadowed", {"toxicity": 0.4})
    await publish(infra, event)
    view = await decision_of(pipeline, event)
    assert (view["action"], view["policy"]["id"]) == ("allow", "default")  # the live decision
    shadows = await collect(
        infra.kafka_bootstrap,
        topics.SHADOW_DECISIONS,
        until=lambda f: len(f) >= 1,
        match=lambda m: m["tenant"] == tenant,
    )
    assert (shadows[0]["action"], shadows[0]["active_action"]) == ("remove", "allow")
    assert shadows[0]["policy"] == {"id": "candidate", "version": "9"}
    sanctions_and_strikes = await collect(
        infra.kafka_bootstrap,
        topics.STRIKES,
        until=lambda f: False,
        match=lambda m: m["tenant"] == tenant,
        timeout=2,
    )
    assert sanctions_and_strikes == []

    capsys.readouterr()
    assert await asyncio.to_thread(cli_main, ["shadow-report", "--tenant", tenant]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "candidate v9": {"actions": {"remove": 1}, "changed_vs_active": {"allow -> remove": 1}}
    }
