"""Platforms read decisions with their own API keys: auth, tenant isolation, history, the feed,
the SSE stream with resume, and rate limits. Real Kafka, Redis and escalation."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import Infra
from tests.integration.gateway.conftest import publish_scored, scored
from tests.integration.helpers import bearer, eventually, issue

pytestmark = pytest.mark.integration
TOXIC = {"toxicity": 0.99, "severe_toxicity": 0.95}
CALM = {"toxicity": 0.01}


async def decided(client: httpx.AsyncClient, post_id: str, headers: dict) -> dict:
    async def check():
        view = (await client.get(f"/v1/posts/{post_id}/decision", headers=headers)).json()
        return view if view.get("status") == "decided" else None

    view = await eventually(check)
    assert view, f"no decision for {post_id}"
    return view


async def test_a_platform_reads_its_decision_with_statement_and_history(
    gateway: str, infra: Infra, tenant: str
) -> None:
    event = scored(tenant, "p1", TOXIC)
    await publish_scored(infra, event)
    async with httpx.AsyncClient(base_url=gateway) as client:
        view = await decided(client, event.post.post_id, await bearer(infra, tenant))
    assert view["action"] == "remove" and view["tenant"] == tenant
    assert view["scores"] == TOXIC and view["policy"]["id"] == "default"
    assert view["statement"]["automation"] == "fully_automated"
    assert [h["decided_by"] for h in view["history"]] == ["automated"]


async def test_another_platforms_post_is_404_not_403(
    gateway: str, infra: Infra, tenant: str
) -> None:
    event = scored(tenant, "p1", CALM)
    await publish_scored(infra, event)
    other = f"other-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=gateway) as client:
        await decided(client, event.post.post_id, await bearer(infra, tenant))
        response = await client.get(
            f"/v1/posts/{event.post.post_id}/decision", headers=await bearer(infra, other)
        )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "post_not_found"


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer mk_nope.secret"}, {"x-api-key": "garbage"}],
    ids=["missing", "unknown", "malformed"],
)
async def test_missing_or_bad_keys_are_401(gateway: str, headers: dict) -> None:
    async with httpx.AsyncClient(base_url=gateway) as client:
        response = await client.get("/v1/decisions", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


async def test_a_key_without_the_scope_is_403(gateway: str, infra: Infra, tenant: str) -> None:
    headers = await bearer(infra, tenant, scopes=("score",))
    async with httpx.AsyncClient(base_url=gateway) as client:
        response = await client.get("/v1/decisions", headers=headers)
    assert response.status_code == 403
    assert "decisions:read" in response.json()["error"]["message"]


async def test_a_moderator_token_is_not_a_platform_key(
    gateway: str, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant, moderator=("mia", "admin"))
    async with httpx.AsyncClient(base_url=gateway) as client:
        assert (await client.get("/v1/decisions", headers=headers)).status_code == 401


async def test_a_key_issued_at_the_desk_reaches_the_gateway_and_its_revocation_too(
    gateway: str, desk: str, infra: Infra, tenant: str
) -> None:
    """The gateway learns keys from the credentials topic alone: within seconds of the desk
    issuing one it admits it, and within seconds of its revocation it refuses it."""
    admin = await bearer(infra, tenant, moderator=("root", "admin"))
    async with (
        httpx.AsyncClient(base_url=desk) as client,
        httpx.AsyncClient(base_url=gateway) as platforms,
    ):
        created = await client.post("/v1/admin/keys", json={"name": "temp"}, headers=admin)
        assert created.status_code == 201, created.text
        key = {"authorization": f"Bearer {created.json()['api_key']}"}

        async def answers(status: int) -> bool:
            return (await platforms.get("/v1/decisions", headers=key)).status_code == status

        assert await eventually(lambda: answers(200), timeout=15), "never admitted"
        revoked = await client.delete(f"/v1/admin/keys/{created.json()['key_id']}", headers=admin)
        assert revoked.status_code == 204
        assert await eventually(lambda: answers(401), timeout=15), "still admitted"
        listed = (await client.get("/v1/admin/keys", headers=admin)).json()["data"]
        assert [k["revoked"] for k in listed if k["key_id"] == created.json()["key_id"]] == [True]


async def test_an_admin_issues_and_revokes_moderator_tokens(
    desk: str, infra: Infra, tenant: str
) -> None:
    admin = await bearer(infra, tenant, moderator=("root", "admin"))
    async with httpx.AsyncClient(base_url=desk) as client:
        body = {"moderator_id": "newbie", "role": "triage"}
        created = await client.post("/v1/admin/moderators", json=body, headers=admin)
        assert created.status_code == 201, created.text
        token = {"authorization": f"Bearer {created.json()['token']}"}
        assert (await client.get("/v1/moderation/queues", headers=token)).status_code == 200
        token_id = created.json()["token_id"]
        other = await bearer(infra, f"x-{tenant}", moderator=("root", "admin"))
        assert (
            await client.delete(f"/v1/admin/moderators/{token_id}", headers=other)
        ).status_code == 404
        assert (
            await client.delete(f"/v1/admin/moderators/{token_id}", headers=admin)
        ).status_code == 204
        assert (await client.get("/v1/moderation/queues", headers=token)).status_code == 401
        listed = (await client.get("/v1/admin/moderators", headers=admin)).json()["data"]
        assert [(m["moderator_id"], m["revoked"]) for m in listed if m["token_id"] == token_id] == [
            ("newbie", True)
        ]


async def test_only_admins_manage_keys(desk: str, infra: Infra, tenant: str) -> None:
    moderator = await bearer(infra, tenant, moderator=("max", "moderator"))
    async with httpx.AsyncClient(base_url=desk) as client:
        response = await client.post("/v1/admin/keys", json={"name": "x"}, headers=moderator)
    assert response.status_code == 403


async def test_rate_limit_answers_429_with_retry_after(
    gateway: str, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant, rate_limit=3)
    async with httpx.AsyncClient(base_url=gateway) as client:
        codes = [(await client.get("/v1/decisions", headers=headers)) for _ in range(4)]
    assert [r.status_code for r in codes[:3]] == [200, 200, 200]
    limited = codes[3]
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60


async def test_the_feed_pages_with_cursors_and_sees_only_its_tenant(
    gateway: str, infra: Infra, tenant: str
) -> None:
    events = [scored(tenant, f"f{i}", CALM) for i in range(5)]
    await publish_scored(infra, *events, scored(f"x-{tenant}", "f0", CALM))
    headers = await bearer(infra, tenant)
    async with httpx.AsyncClient(base_url=gateway, headers=headers) as client:
        for event in events:
            await decided(client, event.post.post_id, headers)
        seen, cursor, pages = [], None, 0
        while True:
            params = {"limit": 2, **({"since": cursor} if cursor else {})}
            page = (await client.get("/v1/decisions", params=params)).json()
            pages += 1
            if not page["data"]:
                assert page["next_cursor"] == cursor  # an empty page keeps the cursor
                break
            seen += [d["post_id"] for d in page["data"]]
            cursor = page["next_cursor"]
        bad = await client.get("/v1/decisions", params={"since": "yesterday"})
    assert seen == [e.post.post_id for e in events] and pages == 4
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_cursor"


async def read_events(lines: AsyncIterator[str], count: int) -> list[tuple[str, dict]]:
    """The next `count` events of an SSE stream, read from its line iterator."""
    events, current = [], {}
    async for line in lines:
        if line.startswith("id: "):
            current["id"] = line[4:]
        elif line.startswith("data: "):
            current["data"] = json.loads(line[6:])
        elif not line and "data" in current:
            events.append((current["id"], current["data"]))
            current = {}
            if len(events) == count:
                return events
    return events


async def test_the_stream_resumes_after_last_event_id(
    gateway: str, infra: Infra, tenant: str
) -> None:
    first = [scored(tenant, f"s{i}", CALM) for i in range(3)]
    await publish_scored(infra, *first)
    headers = await bearer(infra, tenant)
    async with httpx.AsyncClient(base_url=gateway, headers=headers, timeout=30) as client:
        for event in first:
            await decided(client, event.post.post_id, headers)
        async with client.stream("GET", "/v1/decisions/stream", params={"since": "0-0"}) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            got = await read_events(stream.aiter_lines(), 2)
        assert [d["post_id"] for _, d in got] == [e.post.post_id for e in first[:2]]

        resume = {"last-event-id": got[-1][0]}
        async with client.stream("GET", "/v1/decisions/stream", headers=resume) as stream:
            lines = stream.aiter_lines()
            replayed = await read_events(lines, 1)
            assert replayed[0][1]["post_id"] == first[2].post.post_id
            live = scored(tenant, "s-live", CALM)
            await publish_scored(infra, live)
            arrived = await read_events(lines, 1)
    assert arrived[0][1]["post_id"] == live.post.post_id
    assert arrived[0][0] > replayed[0][0]


async def test_credentials_are_recorded_on_kafka_and_rebuilt_into_redis(
    gateway: str, infra: Infra, tenant: str
) -> None:
    from redis.asyncio import Redis

    from services.contracts.credentials import parse_token
    from services.gateway.config import Settings
    from services.gateway.rebuild import rebuild
    from services.shared.keys import key_of

    token = await issue(infra, tenant, scopes=("decisions:read",), rate_limit=1000)
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    await redis.delete(key_of("gateway", parse_token(token)[1]))
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=gateway, headers=headers) as client:
        assert (await client.get("/v1/decisions")).status_code == 401
        await rebuild(
            Settings(kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url)
        )
        assert (await client.get("/v1/decisions")).status_code == 200
    stored = await redis.get(key_of("gateway", parse_token(token)[1]))
    await redis.aclose()
    assert token not in stored  # only the hash is kept
