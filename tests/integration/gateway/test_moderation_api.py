"""Moderators act on cases through the desk: roles, claims, decisions, appeals. Each command
goes to escalation over Kafka and is answered once escalation accepted or rejected it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.contracts import topics
from services.contracts.cases import case_id_for
from services.contracts.events import StrikeEvent
from services.desk.main import create_app as create_desk
from tests.conftest import Infra
from tests.integration.gateway.conftest import desk_settings, publish_scored, scored
from tests.integration.helpers import bearer, collect, eventually, produce, running

pytestmark = pytest.mark.integration
THREAT = {"threat": 0.95, "toxicity": 0.9}


async def staff(infra: Infra, tenant: str) -> dict[str, dict[str, str]]:
    roles = {"tia": "triage", "mo": "moderator", "meg": "moderator", "ada": "admin"}
    return {
        name: await bearer(infra, tenant, moderator=(name, role)) for name, role in roles.items()
    }


async def open_case(client: httpx.AsyncClient, infra: Infra, tenant: str, headers: dict) -> str:
    event = scored(tenant, "threat-1", THREAT, text="I will find you and hurt you", author_id="u9")
    await publish_scored(infra, event)
    case_id = case_id_for(event.post.post_id)

    async def opened():
        return (
            await client.get(f"/v1/moderation/cases/{case_id}", headers=headers)
        ).status_code == 200

    assert await eventually(opened), "no case was opened"
    return case_id


async def test_queues_cases_and_the_case_view(desk: str, infra: Infra, tenant: str) -> None:
    team = await staff(infra, tenant)
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await open_case(client, infra, tenant, team["tia"])
        queues = (await client.get("/v1/moderation/queues", headers=team["tia"])).json()["data"]
        cases = await client.get("/v1/moderation/queues/safety/cases", headers=team["tia"])
        detail = (await client.get(f"/v1/moderation/cases/{case_id}", headers=team["tia"])).json()
        claimed = await client.get(
            "/v1/moderation/queues/safety/cases", params={"state": "claimed"}, headers=team["tia"]
        )
    assert [(q["queue"], q["depth"]) for q in queues] == [("safety", 1)]
    assert queues[0]["oldest_age_seconds"] >= 0
    assert [c["case_id"] for c in cases.json()["data"]] == [case_id]
    assert claimed.json()["data"] == []
    assert detail["post"]["text"] == "I will find you and hurt you"
    assert detail["scores"] == THREAT and detail["case"]["state"] == "open"
    assert detail["author"]["author_id"] == "u9" and detail["author"]["strikes_at_decision"] == 0
    assert [(t["kind"], t["actor"]) for t in detail["trail"]] == [("opened", "system")]
    assert [d["action"] for d in detail["author"]["recent_decisions"]] == ["escalate"]
    assert [d["decided_by"] for d in detail["decisions"]] == ["automated"]


async def test_the_strike_count_is_the_windowed_one_the_policy_uses(
    desk: str, infra: Infra, tenant: str
) -> None:
    """The threat's 2 strikes count; one given long ago, outside the 90-day window, does not."""
    team = await staff(infra, tenant)
    old = StrikeEvent(strike_id="old", tenant=tenant, author_id="u9", weight=3, post_id="p-old",
                      window_days=90, occurred_at=datetime.now(UTC) - timedelta(days=200))  # fmt: skip
    await produce(infra.kafka_bootstrap, topics.STRIKES, [old.model_dump_json().encode()],
                  key=topics.author_key(tenant, "u9"))  # fmt: skip
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await open_case(client, infra, tenant, team["tia"])

        async def strikes():
            url = f"/v1/moderation/cases/{case_id}"
            count = (await client.get(url, headers=team["tia"])).json()["author"]["strikes"]
            return count if count == 2 else None

        assert await eventually(strikes, timeout=15) == 2


async def test_two_moderators_claiming_at_once_one_wins(
    desk: str, infra: Infra, tenant: str
) -> None:
    team = await staff(infra, tenant)
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await open_case(client, infra, tenant, team["mo"])
        answers = await asyncio.gather(
            *(
                client.post(f"/v1/moderation/cases/{case_id}/claim", headers=team[name])
                for name in ("mo", "meg")
            )
        )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 409).json()["error"]
    assert loser["code"] == "command_rejected" and "already claimed" in loser["message"]


async def test_triage_cannot_remove_and_nothing_is_published(
    desk: str, infra: Infra, tenant: str
) -> None:
    team = await staff(infra, tenant)
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await open_case(client, infra, tenant, team["tia"])
        claim = await client.post(f"/v1/moderation/cases/{case_id}/claim", headers=team["tia"])
        remove = await client.post(
            f"/v1/moderation/cases/{case_id}/actions",
            json={"action": "remove"},
            headers=team["tia"],
        )
        label = await client.post(
            f"/v1/moderation/cases/{case_id}/actions", json={"action": "label"}, headers=team["tia"]
        )
    assert claim.status_code == 200 and claim.json()["case"]["assignee"] == "tia"
    assert remove.status_code == 403 and "moderator role" in remove.json()["error"]["message"]
    assert label.status_code == 200 and label.json()["case"]["resolution"] == "label"
    commands = await collect(
        infra.kafka_bootstrap,
        topics.MODERATOR_ACTIONS,
        until=lambda found: len(found) >= 2,
        match=lambda a: a["case_id"] == case_id,
        timeout=10,
    )
    assert [c["command"] for c in commands] == ["claim", "label"]
    assert all(c["moderator_id"] == "tia" for c in commands)


async def test_sanctions_by_role(desk: str, infra: Infra, tenant: str) -> None:
    team = await staff(infra, tenant)
    ban = {"action": "sanction", "sanction": "ban"}
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await open_case(client, infra, tenant, team["mo"])
        url = f"/v1/moderation/cases/{case_id}"
        assert (await client.post(f"{url}/claim", headers=team["ada"])).status_code == 200
        by_moderator = await client.post(f"{url}/actions", json=ban, headers=team["mo"])
        by_admin = await client.post(f"{url}/actions", json=ban, headers=team["ada"])
    assert by_moderator.status_code == 403
    assert by_admin.status_code == 200 and by_admin.json()["case"]["resolution"] == "remove"
    sanctions = await collect(
        infra.kafka_bootstrap,
        topics.SANCTIONS,
        until=lambda f: len(f) >= 1,
        match=lambda s: s["tenant"] == tenant and s["sanction"] == "ban",
    )
    assert sanctions[0]["author_id"] == "u9"


async def test_remove_then_appeal_decided_by_another_moderator(
    desk: str, gateway: str, infra: Infra, tenant: str
) -> None:
    team = await staff(infra, tenant)
    platform = await bearer(infra, tenant)
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await open_case(client, infra, tenant, team["mo"])
        url = f"/v1/moderation/cases/{case_id}"
        post_id = (await client.get(url, headers=team["mo"])).json()["post"]["post_id"]
        await client.post(f"{url}/claim", headers=team["mo"])
        note = await client.post(f"{url}/notes", json={"text": "clear threat"}, headers=team["mo"])
        removed = await client.post(
            f"{url}/actions", json={"action": "remove", "reason": "threat"}, headers=team["mo"]
        )
        appealed = await client.post(f"{url}/appeal", json={"reason": "joke"}, headers=team["mo"])
        same = await client.post(f"{url}/claim", headers=team["mo"])
        await client.post(f"{url}/claim", headers=team["meg"])
        approved = await client.post(
            f"{url}/actions", json={"action": "approve"}, headers=team["meg"]
        )

        async def final():
            async with httpx.AsyncClient(base_url=gateway, timeout=30) as platforms:
                answer = await platforms.get(f"/v1/posts/{post_id}/decision", headers=platform)
            view = answer.json()
            return view if view.get("revision") == 2 else None

        view = await eventually(final)
    examples = await collect(
        infra.kafka_bootstrap, topics.LABELED_EXAMPLES, lambda found: len(found) >= 2,
        match=lambda m: m.get("post_id") == post_id, timeout=30,
    )  # fmt: skip
    assert note.status_code == 200 and note.json()["event"] == "noted"
    assert removed.json()["event"] == "resolved" and appealed.json()["case"]["appealed"]
    assert same.status_code == 409 and "other than" in same.json()["error"]["message"]
    assert approved.status_code == 200
    assert view["action"] == "allow" and view["decided_by"] == "meg"
    assert [(h["decided_by"], h["action"]) for h in view["history"]] == [
        ("automated", "escalate"),
        ("mo", "remove"),
        ("meg", "allow"),
    ]
    # escalation publishes each resolution as a labeled example, where the labels are known
    assert [(e["source"], set(e["labels"].values())) for e in examples] == [
        ("moderator_review", {1.0}), ("moderator_appeal", {0.0}),
    ]  # fmt: skip


async def test_cases_belong_to_their_platform(desk: str, infra: Infra, tenant: str) -> None:
    team = await staff(infra, tenant)
    outsider = await bearer(infra, f"o-{tenant}", moderator=("eve", "admin"))
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await open_case(client, infra, tenant, team["mo"])
        seen = await client.get(f"/v1/moderation/cases/{case_id}", headers=outsider)
        claim = await client.post(f"/v1/moderation/cases/{case_id}/claim", headers=outsider)
        anonymous = await client.get("/v1/moderation/queues")
    assert seen.status_code == 404 and claim.status_code == 404
    assert anonymous.status_code == 401


async def test_escalate_needs_a_queue(desk: str, infra: Infra, tenant: str) -> None:
    team = await staff(infra, tenant)
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        case_id = await open_case(client, infra, tenant, team["mo"])
        url = f"/v1/moderation/cases/{case_id}"
        await client.post(f"{url}/claim", headers=team["mo"])
        missing = await client.post(
            f"{url}/actions", json={"action": "escalate"}, headers=team["mo"]
        )
        unknown = await client.post(
            f"{url}/actions", json={"action": "escalate", "queue": "nowhere"}, headers=team["mo"]
        )
        moved = await client.post(
            f"{url}/actions",
            json={"action": "escalate", "queue": "safety-leads"},
            headers=team["mo"],
        )
    assert missing.status_code == 422
    assert unknown.status_code == 409 and "safety-leads" in unknown.json()["error"]["message"]
    assert moved.status_code == 200 and moved.json()["case"]["queue"] == "safety-leads"


async def test_without_the_gateway_a_case_view_is_503_not_an_empty_history(
    infra: Infra, tenant: str, escalation: None
) -> None:
    """The desk reads a case's decisions from the gateway: with nothing listening there, the
    queue still lists the case but its view says the decisions are unavailable."""
    team = await staff(infra, tenant)
    settings = desk_settings(
        infra,
        "http://127.0.0.1:1",
        kafka_group_id=f"desk-alone-{tenant}",
        gateway_timeout_seconds=2,
    )
    async with running(create_desk(settings)) as client:
        event = scored(tenant, "alone-1", THREAT, author_id="u9")
        await publish_scored(infra, event)

        async def listed():
            page = await client.get("/v1/moderation/queues/safety/cases", headers=team["mo"])
            return page.json()["data"]

        assert await eventually(listed), "the case never reached the desk"
        view = await client.get(
            f"/v1/moderation/cases/{case_id_for(event.post.post_id)}", headers=team["mo"]
        )
    assert view.status_code == 503 and view.headers["retry-after"] == "5"
    assert view.json()["error"]["code"] == "decisions_unavailable"
