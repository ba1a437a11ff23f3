"""Sanctions reach platforms (the feed, SSE and `GET /v1/authors/{id}/sanctions`), and case
lists page through their index with cursors. Real Kafka, Redis and escalation."""

from __future__ import annotations

import httpx
import pytest

from services.contracts.cases import case_id_for
from tests.conftest import Infra
from tests.integration.gateway.conftest import publish_scored, scored
from tests.integration.gateway.test_platform_api import decided, read_events
from tests.integration.helpers import bearer, eventually

pytestmark = pytest.mark.integration
SEVERE = {"toxicity": 0.99, "severe_toxicity": 0.95}  # removed, 2 strikes: the ladder's warn


async def test_a_sanction_reaches_the_feed_the_stream_and_the_author(
    gateway: str, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant)
    async with httpx.AsyncClient(base_url=gateway, headers=headers, timeout=30) as client:
        start = (await client.get("/v1/decisions")).json()["next_cursor"]
        async with client.stream("GET", "/v1/decisions/stream", params={"since": start}) as stream:
            event = scored(tenant, "sev-1", SEVERE, author_id="u-sev")
            await publish_scored(infra, event)
            got = await read_events(stream.aiter_lines(), 2)
        await decided(client, event.post.post_id, headers)

        async def sanctions():
            return (await client.get("/v1/authors/u-sev/sanctions")).json()["data"]

        listed = await eventually(sanctions)
        feed = (await client.get("/v1/decisions", params={"since": start})).json()["data"]
        nobody = (await client.get("/v1/authors/u-nobody/sanctions")).json()
        bad = await client.get("/v1/authors/u-sev/sanctions", params={"cursor": "nope!"})
    assert sorted(d["type"] for _, d in got) == ["decision", "sanction"]
    [sanction] = [d for _, d in got if d["type"] == "sanction"]
    assert (sanction["sanction"], sanction["author_id"], sanction["strikes"]) == (
        "warn",
        "u-sev",
        2,
    )
    assert sanction["schema_version"] == 1 and sanction["decided_by"] == "automated"
    assert [s["sanction_id"] for s in listed] == [sanction["sanction_id"]]
    assert sorted(e["type"] for e in feed) == ["decision", "sanction"]
    assert nobody == {"data": [], "next_cursor": None}
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_cursor"


async def test_an_authors_sanctions_page_newest_first(
    gateway: str, infra: Infra, tenant: str
) -> None:
    events = [scored(tenant, f"sv{i}", SEVERE, author_id="u-many") for i in range(5)]
    await publish_scored(infra, *events)  # 10 strikes: warn at 2, mute at 4, suspend 6, ban 10
    headers = await bearer(infra, tenant)
    async with httpx.AsyncClient(base_url=gateway, headers=headers, timeout=30) as client:

        async def all_four():
            found = (await client.get("/v1/authors/u-many/sanctions")).json()["data"]
            return found if len(found) == 4 else None

        assert await eventually(all_four)
        pages, cursor = [], None
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/authors/u-many/sanctions", params=params)).json()
            pages.append([s["sanction"] for s in page["data"]])
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert pages == [["ban", "suspend", "mute"], ["warn"]]


async def test_a_queue_pages_in_order_and_says_when_there_is_more(
    desk: str, infra: Infra, tenant: str
) -> None:
    events = [scored(tenant, f"q{i}", {"threat": 0.95}, author_id=f"u{i}") for i in range(5)]
    await publish_scored(infra, *events)
    moderator = await bearer(infra, tenant, moderator=("mo", "moderator"))
    async with httpx.AsyncClient(base_url=desk, headers=moderator, timeout=30) as client:

        async def all_open():
            page = await client.get("/v1/moderation/queues/safety/cases", params={"limit": 10})
            return len(page.json()["data"]) == 5

        assert await eventually(all_open)
        first_id = case_id_for(events[0].post.post_id)
        assert (await client.post(f"/v1/moderation/cases/{first_id}/claim")).status_code == 200
        everything = (await client.get("/v1/moderation/queues/safety/cases")).json()
        pages, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/moderation/queues/safety/cases", params=params)).json()
            pages.append([c["case_id"] for c in page["data"]])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        mine = await client.get(
            "/v1/moderation/queues/safety/cases", params={"assignee": "mo", "limit": 1}
        )
    order = [c["case_id"] for c in everything["data"]]
    assert len(order) == 5 and everything["next_cursor"] is None
    assert [len(p) for p in pages] == [2, 2, 1] and [c for p in pages for c in p] == order
    assert [c["case_id"] for c in mine.json()["data"]] == [first_id]
