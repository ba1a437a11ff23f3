"""Themes the product team owns, on real Kafka and Redis: outreach records a theme's status,
owner and tracker link as events, pulse shows them in the digest (JSON, Markdown, CSV), and once
the theme is fixed outreach tells each member whose remark it took, once: previewed, sent as
replies on the replies topic, and not sent again by a retry. A member whose post a moderator
removed since is left out (the gateway, on its decisions topic, says which)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.contracts import topics
from services.contracts.events import (
    Action,
    Decision,
    ModelInfo,
    PolicyRef,
    Post,
    PostScored,
    utcnow,
)
from services.gateway.config import Settings as GatewaySettings
from services.gateway.main import create_app as create_gateway
from services.outreach.config import Settings as OutreachSettings
from services.outreach.main import create_app as create_outreach
from services.pulse.app import create_app as create_pulse
from services.pulse.config import Settings as PulseSettings
from services.shared.internal import on_behalf_of
from tests.conftest import Infra
from tests.integration.helpers import collect, eventually, running, serving

pytestmark = pytest.mark.integration
INTERNAL = "themes-internal"
# four members on dark mode (one of them twice), two on refunds
SAID = [
    ("ana", "The dark mode is unreadable at night, terrible"),
    ("bo", "Please fix dark mode, the contrast is awful"),
    ("cy", "dark mode hurts my eyes, disappointed"),
    ("cy", "dark mode is still awful, so disappointed"),
    ("dee", "The dark mode is terrible on my phone"),
    ("eve", "Still waiting on my refund, this is disappointing"),
    ("fay", "Still no refund for me, terrible and disappointing"),
]


async def test_a_fixed_theme_is_shown_in_the_digest_and_told_to_its_members_once(
    infra: Infra, tenant: str
) -> None:
    common = {"kafka_bootstrap_servers": infra.kafka_bootstrap, "redis_url": infra.redis_url,
              "internal_token": INTERNAL}  # fmt: skip
    pulse = create_pulse(PulseSettings(**common, kafka_group_id=f"pulse-{uuid.uuid4().hex[:6]}",
                                       pulse_start_from="latest"))  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await producer.start()
    at = utcnow() - timedelta(hours=1)
    scored = [PostScored(post=Post(post_id=str(uuid.uuid4()), tenant=tenant, external_id=uuid.uuid4().hex,
                                   author_id=author, community="help", text=text),
                         scores={"toxicity": 0.02}, model=ModelInfo(id="m", version="1"), submitted_at=at)
              for author, text in SAID]  # fmt: skip
    # every post allowed; dee's later removed by a moderator
    decisions = [Decision(post_id=e.post.post_id, tenant=tenant, author_id=e.post.author_id,
                          community="help", action=Action.ALLOW, policy=PolicyRef(id="p", version="1"))
                 for e in scored]  # fmt: skip
    removed = decisions[4].model_copy(update={"action": Action.REMOVE, "revision": 1,
                                              "decided_by": "mod-bo", "event_id": str(uuid.uuid4())})  # fmt: skip
    gateway = create_gateway(GatewaySettings(**common, kafka_group_id=f"gw-{uuid.uuid4().hex[:6]}"))
    internal = {"authorization": f"Bearer {INTERNAL}"}
    query = {"tenant": tenant, "community": "help", "since": "7d"}
    staff = {**internal, **on_behalf_of(tenant, "cm-ana", "community_manager")}
    triage = {**internal, **on_behalf_of(tenant, "tri-al", "triage")}
    try:
        async with (
            serving(pulse) as pulse_url,
            serving(gateway) as gateway_url,
            httpx.AsyncClient(base_url=pulse_url, headers=internal) as reader,
        ):

            async def kept() -> dict | None:
                digest = (await reader.get("/v1/feedback/digest", params=query)).json()
                if digest["total"] == len(SAID):
                    return digest
                for event in scored:  # a group starting from the latest may join after a send
                    await producer.send(topics.POSTS_SCORED, event.model_dump_json().encode())
                await producer.flush()
                return None

            assert await eventually(kept, timeout=60, interval=2), "pulse never kept the remarks"
            for decision in [*decisions, removed]:  # the gateway made its topics on start
                await producer.send(topics.DECISIONS, decision.model_dump_json().encode(),
                                    key=topics.author_key(tenant, decision.author_id))  # fmt: skip
            await producer.flush()

            async def all_decided() -> bool:
                asked = {"post_ids": [d.post_id for d in decisions]}
                async with httpx.AsyncClient(base_url=gateway_url, headers=internal) as http:
                    found = (await http.post("/internal/v1/decisions/latest", json=asked)).json()
                return sum(d["action"] == "remove" for d in found["data"]) == 1

            assert await eventually(all_decided, timeout=60), "the gateway never kept the decisions"
            outreach = create_outreach(OutreachSettings(**common, pulse_url=pulse_url, gateway_url=gateway_url,
                                                        kafka_group_id=f"outreach-{uuid.uuid4().hex[:6]}"))  # fmt: skip
            async with running(outreach) as client:
                theme = {"community": "help", "theme": "dark mode"}
                early = await client.post("/v1/moderation/themes/tell-members",
                                          json={**theme, "text": "Fixed!"}, headers=staff)  # fmt: skip
                forwarded = await client.put("/v1/moderation/themes", headers=staff, json={
                    **theme, "status": "forwarded", "owner": "maria",
                    "tracker_url": "https://tracker.example/ED-41"})  # fmt: skip
                bad_url = await client.put("/v1/moderation/themes", headers=staff,
                                           json={**theme, "status": "planned", "tracker_url": "not a url"})  # fmt: skip
                fixed = await client.put("/v1/moderation/themes", headers=staff, json={
                    **theme, "status": "fixed", "owner": "maria",
                    "tracker_url": "https://tracker.example/ED-41"})  # fmt: skip

                async def shown() -> dict | None:
                    digest = (await reader.get("/v1/feedback/digest", params=query)).json()
                    found = {t["theme"]: t for t in digest["themes"]}
                    return digest if found["dark mode"]["status"] == "fixed" else None

                digest = await eventually(shown, timeout=30)
                markdown = (
                    await reader.get("/v1/feedback/digest", params={**query, "format": "markdown"})
                ).text

                async def owned() -> bool:
                    listed = await client.get(
                        "/v1/moderation/themes", params={"community": "help"}, headers=staff
                    )
                    return [(t["theme"], t["status"]) for t in listed.json()["data"]] == [
                        ("dark mode", "fixed")
                    ]

                assert await eventually(owned, timeout=30)
                ask = {
                    **theme,
                    "template": None,
                    "text": "Thanks for telling us about {theme}: it is fixed.",
                }
                preview = await client.post(
                    "/v1/moderation/themes/tell-members", json=ask, headers=staff
                )
                refused = await client.post(
                    "/v1/moderation/themes/tell-members", json=ask, headers=triage
                )
                sent = await client.post(
                    "/v1/moderation/themes/tell-members", json={**ask, "send": True}, headers=staff
                )
                again = await client.post(
                    "/v1/moderation/themes/tell-members", json={**ask, "send": True}, headers=staff
                )
                gone = {"community": "help", "theme": "no such theme", "status": "fixed"}
                await client.put("/v1/moderation/themes", json=gone, headers=staff)

                async def gone_fixed() -> bool:
                    listed = await client.get(
                        "/v1/moderation/themes", params={"community": "help"}, headers=staff
                    )
                    return len(listed.json()["data"]) == 2

                assert await eventually(gone_fixed, timeout=30)
                missing = await client.post("/v1/moderation/themes/tell-members",
                                            json={**ask, "theme": "no such theme"}, headers=staff)  # fmt: skip
    finally:
        await producer.stop()
    assert early.status_code == 409 and early.json()["error"]["code"] == "theme_not_fixed"
    assert forwarded.status_code == 202 and fixed.status_code == 202, fixed.text
    assert bad_url.status_code == 422
    dark = next(t for t in digest["themes"] if t["theme"] == "dark mode")
    assert (dark["owner"], dark["tracker_url"]) == ("maria", "https://tracker.example/ED-41")
    assert next(t for t in digest["themes"] if t["theme"] == "refund")["status"] == "new"
    assert "| fixed (maria, https://tracker.example/ED-41) |" in markdown
    assert preview.status_code == 200, preview.text
    shown_members = preview.json()
    assert shown_members["members"] == 4 and shown_members["sent"] == 0
    assert refused.status_code == 403, refused.text
    assert shown_members["left_out"] == 1  # dee's post was removed since
    assert sorted(r["author_id"] for r in shown_members["reached"]) == ["ana", "bo", "cy"]
    assert {r["outcome"] for r in shown_members["reached"]} == {"preview"}
    assert shown_members["text"] == "Thanks for telling us about dark mode: it is fixed."
    assert sent.json()["sent"] == 3 and again.json()["sent"] == 0
    assert again.json()["already_sent"] == 3
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "theme_not_found"
    replies = await collect(infra.kafka_bootstrap, topics.REPLIES,
                            until=lambda found: len(found) >= 3, match=lambda e: e["tenant"] == tenant)  # fmt: skip
    assert sorted(r["post_author_id"] for r in replies) == ["ana", "bo", "cy"]
    assert {r["theme"] for r in replies} == {"dark mode"}
