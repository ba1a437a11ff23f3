"""Kafka is the system of record: state is built through the real pipeline (ingest, classifier,
escalation, gateway and desk in-process, moderators acting through the desk), Redis is flushed,
and each service's `rebuild` must restore its keys exactly (TTLs aside, and the feed's cursors,
which are documented as new after a rebuild).

On a Kafka and Redis of its own, so the topics hold only what this test wrote and a FLUSHDB
touches no other test.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from services.classifier.app import create_app as create_classifier
from services.classifier.config import Settings as ClassifierSettings
from services.contracts import topics
from services.contracts.cases import case_id_for
from services.desk import rebuild as desk_rebuild
from services.desk.config import Settings as DeskSettings
from services.desk.main import create_app as create_desk
from services.escalation import rebuild as escalation_rebuild
from services.escalation.adapters import cases as escalation_cases
from services.escalation.adapters import reports as escalation_reports
from services.escalation.adapters import state as escalation_state
from services.escalation.app import create_app as create_escalation
from services.escalation.config import Settings as EscalationSettings
from services.gateway import rebuild as gateway_rebuild
from services.gateway.config import Settings as GatewaySettings
from services.gateway.main import create_app as create_gateway
from services.ingest import rebuild as ingest_rebuild
from services.ingest.adapters import registry as ingest_registry
from services.ingest.adapters import reports as ingest_reports
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest
from services.outreach import rebuild as outreach_rebuild
from services.outreach.config import Settings as OutreachSettings
from services.outreach.main import create_app as create_outreach
from services.shared import keys as platform_keys
from tests.conftest import Infra, own_infra
from tests.integration.gateway.conftest import scored
from tests.integration.helpers import (
    bearer,
    eventually,
    ingest_knows,
    produce,
    running,
    serving,
    snapshot,
)

pytestmark = pytest.mark.integration

ESCALATION_FAMILIES = (
    *escalation_state.FAMILIES,
    *escalation_cases.FAMILIES,
    *escalation_reports.FAMILIES,
)
OWNERS = ("ingest:", "escalation:", "gateway:", "desk:", "outreach:")
INTERNAL = "rebuild-internal"  # the desk reads the gateway's decisions with it
POLICY = (Path(__file__).resolve().parents[2] / "deploy" / "policies" / "default.yaml").read_text()


@pytest.fixture(scope="module")
def tenant() -> str:
    """One platform for the whole module: the second test works on what the first rebuilt."""
    return f"r{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    with own_infra(tmp_path_factory.mktemp("rebuild-infra")) as infra:
        yield infra


def settings_for(fresh: Infra) -> dict[str, str]:
    return {"kafka_bootstrap_servers": fresh.kafka_bootstrap, "redis_url": fresh.redis_url}


@pytest.fixture(scope="module")
async def stack(fresh: Infra) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    common = settings_for(fresh)
    apps = {
        "ingest": create_ingest(IngestSettings(**common)),
        "classifier": create_classifier(ClassifierSettings(**common, classifier_model="offline")),
        "escalation": create_escalation(EscalationSettings(**common)),
    }
    gateway = create_gateway(
        GatewaySettings(
            **common, webhook_max_attempts=100, webhook_allow_private=True, internal_token=INTERNAL
        )
    )
    async with AsyncExitStack() as running_apps:
        clients = {
            name: await running_apps.enter_async_context(running(app)) for name, app in apps.items()
        }
        gateway_url = await running_apps.enter_async_context(serving(gateway))
        clients["gateway"] = await running_apps.enter_async_context(
            httpx.AsyncClient(base_url=gateway_url, timeout=30)
        )
        outreach = create_outreach(
            OutreachSettings(**common, gateway_url=gateway_url, internal_token=INTERNAL)
        )
        outreach_url = await running_apps.enter_async_context(serving(outreach))
        desk = create_desk(DeskSettings(**common, gateway_url=gateway_url, internal_token=INTERNAL,
                                        outreach_url=outreach_url))  # fmt: skip
        clients["desk"] = await running_apps.enter_async_context(running(desk))
        yield clients


async def settled(redis: Redis, families: tuple[str, ...]) -> dict:
    """A snapshot that stays the same for a second: every consumer has caught up."""
    previous = None
    for _ in range(30):
        current = await snapshot(redis, families)
        if current == previous:
            return current
        previous = current
        await asyncio.sleep(1.0)
    raise AssertionError("the views never settled")


async def build_state(fresh: Infra, stack: dict[str, httpx.AsyncClient], tenant: str) -> None:
    """Posts through ingest and the classifier, scored posts that open cases, a published
    policy, a webhook that never answers, a Perspective score map rolled back, moderators working the cases, a reply template, and
    replies: a complaint answered, a held case's first response."""
    gateway, desk, ingest = stack["gateway"], stack["desk"], stack["ingest"]
    platform = await bearer(fresh, tenant)
    await ingest_knows(ingest, platform)
    moderator = await bearer(fresh, tenant, moderator=("mo", "moderator"))
    admin = await bearer(fresh, tenant, moderator=("ad", "admin"))
    hook = await gateway.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/"}, headers=platform)
    assert hook.status_code == 201
    # a Perspective score map: two versions and a rollback (a third, restoring the first)
    for theirs in ([0.2, 1.0], [0.0, 0.5]):
        curve = {"curves": {"TOXICITY": {"ours": [0.0, 1.0], "theirs": theirs}}}
        mapped = await gateway.put("/v1/perspective/score-map", json=curve, headers=platform)
        assert mapped.status_code == 202, mapped.text
    back = await gateway.post(
        "/v1/perspective/score-map/rollback", json={"version": 1}, headers=platform
    )
    assert back.status_code == 202 and back.json()["version"] == 3
    published = await desk.put(
        "/v1/admin/policies", json={"text": POLICY, "community": "c1"}, headers=admin
    )
    assert published.status_code == 202, published.text
    posted: list[str] = []
    for n in range(5):
        body = {"tenant": tenant, "external_id": f"e{n}", "author_id": f"u{n % 2}",
                "text": f"thanks for the update number {n}"}  # fmt: skip
        answer = await ingest.post("/v1/posts", json=body, headers=platform)
        assert answer.status_code == 202
        posted.append(answer.json()["post_id"])
    # members report the first post; three of them open a case, one reports twice
    for reporter in ("m1", "m2", "m2", "m3"):
        body = {"reporter_id": reporter, "reason_code": "spam"}
        answer = await ingest.post(f"/v1/posts/{posted[0]}/reports", json=body, headers=platform)
        assert answer.status_code in (200, 202), answer.text
    threat = scored(tenant, "t1", {"threat": 0.95})
    held = scored(tenant, "h1", {"toxicity": 0.95})
    other = scored(tenant, "t2", {"threat": 0.9}, author_id="a2")
    complaint = scored(
        tenant, "f1", {"toxicity": 0.05, "insult": 0.01}, text="the editor is broken"
    )
    events = [e.model_dump_json().encode() for e in (threat, held, other, complaint)]
    await produce(fresh.kafka_bootstrap, topics.POSTS_SCORED, events)

    async def case_open(post_id: str):
        answer = await desk.get(f"/v1/moderation/cases/{case_id_for(post_id)}", headers=moderator)
        return answer.status_code == 200

    cases = (threat, held, other, complaint)
    for post_id in (*(e.post.post_id for e in cases), posted[0]):
        assert await eventually(lambda p=post_id: case_open(p))
    template = {"text": "Thanks for telling us in {community}.", "community": "c1"}
    saved = await desk.put("/v1/moderation/reply-templates/thanks", json=template, headers=admin)
    assert saved.status_code == 202, saved.text
    steps = [
        (threat, "claim", None), (threat, "notes", {"text": "clear threat"}),
        (threat, "actions", {"action": "remove", "reason": "threat"}),
        (held, "claim", None), (held, "actions", {"action": "approve", "reason": "banter"}),
        (other, "claim", None),
    ]  # fmt: skip
    for event, verb, body in steps:
        url = f"/v1/moderation/cases/{case_id_for(event.post.post_id)}/{verb}"
        answer = await desk.post(url, json=body, headers=moderator)
        assert answer.status_code == 200, answer.text
    for event, outcome in ((complaint, "answered"), (other, "responded")):
        url = f"/v1/moderation/cases/{case_id_for(event.post.post_id)}/reply"
        answer = await desk.post(url, json={"text": "Thanks, we are on it."}, headers=moderator)
        assert answer.status_code == 201 and answer.json()["outcome"] == outcome, answer.text


FAMILIES = {
    "ingest": ingest_registry.FAMILIES + platform_keys.families("ingest") + ingest_reports.FAMILIES,
    "escalation": ESCALATION_FAMILIES,
    "gateway": gateway_rebuild.FAMILIES,
    "desk": desk_rebuild.FAMILIES,
    "outreach": outreach_rebuild.FAMILIES,
}


async def rebuild(service: str, fresh: Infra) -> None:
    common = settings_for(fresh)
    if service == "ingest":
        await ingest_rebuild.rebuild(IngestSettings(**common))
    elif service == "escalation":
        await escalation_rebuild.rebuild(EscalationSettings(**common))
    elif service == "desk":
        await desk_rebuild.rebuild(DeskSettings(**common))
    elif service == "outreach":
        await outreach_rebuild.rebuild(OutreachSettings(**common))
    else:
        await gateway_rebuild.rebuild(GatewaySettings(**common))


@pytest.fixture(scope="module")
async def built(fresh: Infra, stack: dict[str, httpx.AsyncClient], tenant: str) -> dict:
    """Each service's keys once the pipeline has settled."""
    await build_state(fresh, stack, tenant)
    redis = Redis.from_url(fresh.redis_url, decode_responses=True)
    before = {name: await settled(redis, f) for name, f in FAMILIES.items()}
    every_key = [key async for key in redis.scan_iter(count=1000)]
    await redis.aclose()
    assert every_key and all(key.startswith(OWNERS) for key in every_key), every_key
    kinds = sorted(key.split(":")[1] for key in before["ingest"])
    # the platform's key, its five posts, three members' reports
    assert kinds == ["key"] + ["post"] * 5 + ["report"] * 3
    assert len(before["escalation"]) > 10 and len(before["gateway"]) > 10
    assert f"gateway:score-map:{tenant}" in before["gateway"]
    assert len(before["desk"]) > 10
    outreach = sorted(key.split(":")[1] for key in before["outreach"])
    # every case (the resolved ones are kept 30 days for appeals), the day's health and first
    # responses, the template
    assert outreach.count("case") == 5, outreach
    assert {"health", "reply-templates", "responses"} <= set(outreach), outreach
    return before


@pytest.mark.parametrize("service", list(FAMILIES))
async def test_a_service_rebuilds_its_redis_from_kafka(
    fresh: Infra, built: dict, service: str
) -> None:
    redis = Redis.from_url(fresh.redis_url, decode_responses=True)
    await redis.flushdb()
    await rebuild(service, fresh)
    after = await snapshot(redis, FAMILIES[service])
    await redis.aclose()
    assert after == built[service]


async def test_after_a_rebuild_the_services_carry_on(
    fresh: Infra, stack: dict[str, httpx.AsyncClient], tenant: str, built: dict
) -> None:
    """Every service rebuilt from an empty Redis: nothing a platform or a moderator relies on
    was lost."""
    redis = Redis.from_url(fresh.redis_url, decode_responses=True)
    await redis.flushdb()
    await redis.aclose()
    for service in FAMILIES:
        await rebuild(service, fresh)
    desk, ingest = stack["desk"], stack["ingest"]
    repeat = {"tenant": tenant, "external_id": "e1", "author_id": "u1",
              "text": "thanks for the update number 1"}  # fmt: skip
    platform = await bearer(fresh, tenant)
    await ingest_knows(ingest, platform)  # ingest knows it again: its keys were rebuilt
    again = await ingest.post("/v1/posts", json=repeat, headers=platform)
    assert again.status_code == 202 and again.json()["duplicate"] is True
    changed = await ingest.post(
        "/v1/posts", json={**repeat, "text": "something else"}, headers=platform
    )
    assert changed.status_code == 409
    moderator = await bearer(fresh, tenant, moderator=("mo", "moderator"))
    claimed = scored(tenant, "t2", {"threat": 0.9}, author_id="a2")
    detail = await desk.get(
        f"/v1/moderation/cases/{case_id_for(claimed.post.post_id)}", headers=moderator
    )
    assert detail.status_code == 200
    assert (detail.json()["case"]["state"], detail.json()["case"]["assignee"]) == ("claimed", "mo")
    assert detail.json()["author"]["strikes"] == 2  # the threat's two, inside the window
    resolve = await desk.post(
        f"/v1/moderation/cases/{case_id_for(claimed.post.post_id)}/actions",
        json={"action": "remove", "reason": "after the rebuild"},
        headers=moderator,
    )
    assert resolve.status_code == 200, resolve.text  # escalation still knows the claim


@pytest.mark.parametrize("service", ["ingest", "escalation", "gateway", "desk"])
def test_rebuild_help_prints_help_and_touches_nothing(service: str) -> None:
    env = {"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "REDIS_URL": "redis://127.0.0.1:1/0"}
    done = subprocess.run(
        [sys.executable, "-m", f"services.{service}.rebuild", "--help"],
        capture_output=True, text=True, timeout=60, env={**env, "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    # nothing listens on port 1: a rebuild that ran anyway would fail to connect
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: python -m services.{service}.rebuild")
    assert "Rebuild" in done.stdout
    assert not json_line(done.stdout)


def json_line(text: str) -> bool:
    try:
        json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return False
    return True
