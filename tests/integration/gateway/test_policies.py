"""Admins publish their platform's policy through the desk; escalation applies it to the
next posts. Real Kafka (the policies topic) and Redis."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Infra
from tests.integration.gateway.conftest import publish_scored, scored
from tests.integration.helpers import bearer, eventually

pytestmark = pytest.mark.integration
STRICT = """id: strict-{tenant}
version: "2"
queues: {{review: {{priority: 1, sla_minutes: 30}}}}
default_queue: review
rules:
  - {{id: hold-mild, action: hold, queue: review, clause: "S1 no rudeness", when: {{scores: {{toxicity: 0.2}}}}}}
"""
MILD = {"toxicity": 0.3}


async def action_of(client: httpx.AsyncClient, infra: Infra, tenant: str, external_id: str) -> dict:
    event = scored(tenant, external_id, MILD)
    await publish_scored(infra, event)
    headers = await bearer(infra, tenant)

    async def decided():
        view = (
            await client.get(f"/v1/posts/{event.post.post_id}/decision", headers=headers)
        ).json()
        return view if view.get("status") == "decided" else None

    view = await eventually(decided)
    assert view, "no decision"
    return view


async def test_a_published_policy_decides_the_next_posts_until_withdrawn(
    desk: str, gateway: str, infra: Infra, tenant: str
) -> None:
    admin = await bearer(infra, tenant, moderator=("root", "admin"))
    async with (
        httpx.AsyncClient(base_url=desk, timeout=30) as client,
        httpx.AsyncClient(base_url=gateway, timeout=30) as platforms,
    ):
        before = await action_of(platforms, infra, tenant, "before")
        published = await client.put(
            "/v1/admin/policies", json={"text": STRICT.format(tenant=tenant)}, headers=admin
        )
        assert published.status_code == 202, published.text
        assert published.json()["policy_id"] == f"strict-{tenant}"

        async def strict_applies():
            view = await action_of(platforms, infra, tenant, f"probe-{len(seen)}")
            seen.append(view)
            return view if view["policy"]["id"] == f"strict-{tenant}" else None

        seen: list[dict] = []
        after = await eventually(strict_applies, timeout=20)
        other = await action_of(platforms, infra, f"o-{tenant}", "same-scores")
        listed = (await client.get("/v1/admin/policies", headers=admin)).json()["data"]
        withdrawn = await client.delete("/v1/admin/policies", headers=admin)
        again = await client.delete("/v1/admin/policies", headers=admin)
    assert before["action"] == "allow" and before["policy"]["id"] == "default"
    assert after["action"] == "hold" and after["queue"] == "review"
    assert other["policy"]["id"] == "default"  # another platform is untouched
    assert [(p["name"], p["published_by"]) for p in listed] == [(tenant, "root")]
    assert withdrawn.status_code == 204 and again.status_code == 404


async def test_an_invalid_policy_is_422_with_its_line_and_nothing_is_published(
    desk: str, infra: Infra, tenant: str
) -> None:
    admin = await bearer(infra, tenant, moderator=("root", "admin"))
    bad = "id: x\nversion: '1'\nrules:\n  - {id: r, action: nuke, clause: c}\n"
    async with httpx.AsyncClient(base_url=desk) as client:
        response = await client.put("/v1/admin/policies", json={"text": bad}, headers=admin)
        listed = (await client.get("/v1/admin/policies", headers=admin)).json()["data"]
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_policy"
    assert response.json()["error"]["message"].startswith(f"{tenant}.yaml:4:")
    assert listed == []


async def test_only_admins_manage_policies(desk: str, infra: Infra, tenant: str) -> None:
    moderator = await bearer(infra, tenant, moderator=("mo", "moderator"))
    async with httpx.AsyncClient(base_url=desk) as client:
        put = await client.put("/v1/admin/policies", json={"text": "id: x"}, headers=moderator)
        get = await client.get("/v1/admin/policies", headers=moderator)
    assert put.status_code == 403 and get.status_code == 403
