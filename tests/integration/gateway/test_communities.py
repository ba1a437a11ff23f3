"""The communities API on real Kafka and Redis: the desk builds its view from pulse's
topics (mood windows and community alerts, published here as pulse would) and serves it to a
platform key with `pulse:read` or a moderator, never to another platform; the gateway sends
the alerts to the platform's webhooks."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from services.contracts import topics
from services.contracts.credentials import Scope
from services.contracts.events import CommunityAlert, CommunityAlertKind
from services.pulse.domain.mood import Community, closed_window
from services.shared.signing import SIGNATURE_HEADER, verify
from tests.conftest import Infra
from tests.integration.helpers import bearer, eventually, produce, serving

pytestmark = pytest.mark.integration
START = 1796212800  # 2026-12-02 12:00 UTC


async def publish_mood(infra: Infra, tenant: str) -> None:
    games = Community(tenant, "games")
    windows = [
        closed_window(games, 300, START + 300 * i, {"volume": 40, "negative": 4, "toxic": 2}, [])
        for i in range(3)
    ]
    windows.append(closed_window(Community(tenant, None), 300, START, {"volume": 5}, []))
    await produce(
        infra.kafka_bootstrap,
        topics.MOOD,
        [w.model_dump_json().encode() for w in windows],
        key=topics.community_key(tenant, "games"),
    )
    wave = CommunityAlert(
        event_id=f"wave-{tenant}", tenant=tenant, community="games",
        kind=CommunityAlertKind.WAVE_STARTED,
        window_seconds=300, wave_started_at=windows[-1].ends_at, at=windows[-1].ends_at,
        volume=40, negative=30, rate=0.75, baseline=0.1, surprise=19.2, samples=["p1"],
    )  # fmt: skip
    await produce(
        infra.kafka_bootstrap, topics.COMMUNITY_ALERTS, [wave.model_dump_json().encode()],
        key=topics.community_key(tenant, "games"),
    )  # fmt: skip


async def test_a_platform_with_pulse_read_sees_its_communities_mood_and_waves(
    desk: str, infra: Infra, tenant: str
) -> None:
    await publish_mood(infra, tenant)
    reader = await bearer(infra, tenant, scopes=[Scope.PULSE_READ])
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:

        async def listed():
            found = (await client.get("/v1/communities", headers=reader)).json()["data"]
            games = [c for c in found if c["community"] == "games"]
            both = len(found) == 2  # "games" and the posts of no community
            return both and games and games[0]["state"] == "wave" and found

        communities = await eventually(listed, timeout=30)
        assert communities, "the desk never showed the wave"
        assert {c["community"] for c in communities} == {"games", None}
        games = next(c for c in communities if c["community"] == "games")
        assert games["latest_windows"]["300"]["negative_rate"] == 0.1

        pulse = (await client.get("/v1/communities/games/pulse?window=5m", headers=reader)).json()
        assert pulse["state"] == "wave" and len(pulse["windows"]) == 3
        assert pulse["windows"][-1]["toxicity_rate"] == 0.05
        assert pulse["alerts"][0]["negative_rate"] == 0.75
        assert pulse["alerts"][0]["sample_post_ids"] == ["p1"]
        unnamed = await client.get("/v1/communities/_/pulse?window=300", headers=reader)
        assert unnamed.status_code == 200 and unnamed.json()["community"] is None

        history = (await client.get("/v1/communities/alerts", headers=reader)).json()["data"]
        assert [a["kind"] for a in history] == ["wave_started"]

        moderator = await bearer(infra, tenant, moderator=("mo", "triage"))
        assert (await client.get("/v1/communities", headers=moderator)).status_code == 200


async def test_who_may_not_read_it(desk: str, infra: Infra, tenant: str) -> None:
    await publish_mood(infra, tenant)
    async with httpx.AsyncClient(base_url=desk, timeout=30) as client:
        assert (await client.get("/v1/communities")).status_code == 401
        no_scope = await bearer(infra, tenant, scopes=[Scope.DECISIONS_READ])
        refused = await client.get("/v1/communities", headers=no_scope)
        assert refused.status_code == 403
        other = await bearer(infra, f"{tenant}-other", scopes=[Scope.PULSE_READ])
        assert (await client.get("/v1/communities", headers=other)).json()["data"] == []
        missing = await client.get("/v1/communities/nowhere/pulse", headers=other)
        assert missing.status_code == 404
        bad = await client.get("/v1/communities/games/pulse?window=soon", headers=other)
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_window"


async def test_a_wave_alert_goes_to_the_platforms_webhook_signed_once(
    gateway: str, infra: Infra, tenant: str
) -> None:
    received: list[tuple[dict[str, str], bytes]] = []
    receiver = FastAPI()

    @receiver.post("/hook")
    async def hook(request: Request) -> Response:
        received.append((dict(request.headers), await request.body()))
        return Response(status_code=200)

    platform = await bearer(infra, tenant)
    async with (
        serving(receiver) as url,
        httpx.AsyncClient(base_url=gateway, timeout=30, headers=platform) as client,
    ):
        created = await client.post("/v1/webhooks", json={"url": f"{url}/hook"})
        assert created.status_code == 201, created.text
        await publish_mood(infra, tenant)
        await publish_mood(infra, tenant)  # the same alert again: not sent twice

        def alerts() -> list[dict]:
            bodies = [json.loads(body) for _, body in received]
            return [b for b in bodies if b["type"] == "community_alert"]

        assert await eventually(lambda: _true(bool(alerts())), timeout=30)
        await asyncio.sleep(2)
    [delivery] = alerts()
    assert delivery["community_alert"]["kind"] == "wave_started"
    assert delivery["community_alert"]["community"] == "games"
    headers, body = received[0]
    assert verify(
        created.json()["secret"], headers[SIGNATURE_HEADER.lower()], body, int(time.time())
    )


async def _true(value: bool) -> bool:
    return value
