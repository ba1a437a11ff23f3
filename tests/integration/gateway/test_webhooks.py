"""Webhooks against a real local HTTP receiver that fails on purpose for a while: signed,
retried with backoff, dead-lettered after the last attempt, replayed on request."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from services.contracts import topics
from services.shared.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify
from tests.conftest import Infra
from tests.integration.gateway.conftest import publish_scored, scored
from tests.integration.helpers import bearer, collect, eventually, serving

pytestmark = pytest.mark.integration


@dataclass
class Receiver:
    """Answers 500 to the first `failures` decision deliveries, then 200; records every
    decision delivery, and every sanction delivery apart (answered 200)."""

    failures: int
    calls: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    sanctions: list[dict] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            body = await request.body()
            if json.loads(body)["type"] == "sanction":
                self.sanctions.append(json.loads(body))
                return Response(status_code=200)
            status = 500 if len(self.calls) < self.failures else 200
            self.calls.append((dict(request.headers), body, status))
            return Response(status_code=status)

        return app

    def delivered(self) -> list[tuple[dict[str, str], bytes]]:
        return [(h, b) for h, b, status in self.calls if status == 200]

    async def any_delivered(self) -> bool:
        return bool(self.delivered())


async def register(client: httpx.AsyncClient, url: str) -> dict:
    response = await client.post("/v1/webhooks", json={"url": url})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_failing_receiver_gets_the_signed_decision_after_retries(
    gateway: str, infra: Infra, tenant: str
) -> None:
    receiver = Receiver(failures=2)
    async with (
        serving(receiver.app()) as receiver_url,
        httpx.AsyncClient(base_url=gateway, headers=await bearer(infra, tenant)) as client,
    ):
        hook = await register(client, f"{receiver_url}/hook")
        assert hook["secret"].startswith("whsec_")
        event = scored(tenant, "w1", {"toxicity": 0.99, "severe_toxicity": 0.95})
        await publish_scored(infra, event)
        assert await eventually(receiver.any_delivered, timeout=30)
        metrics = (await client.get("/metrics")).text

        async def sanctioned() -> list[dict]:
            return receiver.sanctions

        sanctions = await eventually(sanctioned, timeout=30)

    # the 2 strikes of severe abuse cross the ladder's first step: the platform hears of it
    assert [
        (p["type"], p["sanction"]["sanction"], p["sanction"]["author_id"]) for p in sanctions
    ] == [("sanction", "warn", event.post.author_id)]
    assert sanctions[0]["idempotency_key"] == sanctions[0]["sanction"]["sanction_id"]
    assert [status for *_, status in receiver.calls] == [500, 500, 200]
    headers, body = receiver.delivered()[0]
    assert verify(hook["secret"], headers[SIGNATURE_HEADER.lower()], body, now=int(time.time()))
    assert not verify("whsec_wrong", headers[SIGNATURE_HEADER.lower()], body, int(time.time()))
    payload = json.loads(body)
    assert payload["decision"]["post_id"] == event.post.post_id
    assert payload["decision"]["action"] == "remove"
    assert payload["idempotency_key"] == payload["decision"]["decision_id"]
    assert headers[IDEMPOTENCY_HEADER.lower()] == payload["idempotency_key"]
    assert 'gateway_webhook_deliveries_total{outcome="failed"}' in metrics
    assert "gateway_webhook_retry_backlog" in metrics
    assert "gateway_webhook_oldest_pending_seconds" in metrics


async def test_after_the_last_attempt_it_is_dead_lettered_and_can_be_replayed(
    gateway: str, infra: Infra, tenant: str
) -> None:
    receiver = Receiver(failures=4)  # the gateway under test makes 4 attempts
    async with (
        serving(receiver.app()) as receiver_url,
        httpx.AsyncClient(base_url=gateway, headers=await bearer(infra, tenant)) as client,
    ):
        await register(client, f"{receiver_url}/hook")
        await publish_scored(infra, scored(tenant, "w2", {"toxicity": 0.01}))

        async def dead():
            return (await client.get("/v1/webhooks/dead-letters")).json()["data"]

        buried = await eventually(dead, timeout=30)
        assert len(buried) == 1 and buried[0]["attempts"] == 4
        assert buried[0]["last_error"] == "HTTP 500" and not receiver.delivered()
        replayed = await client.post(f"/v1/webhooks/dead-letters/{buried[0]['delivery_id']}/replay")
        assert replayed.status_code == 202
        assert await eventually(receiver.any_delivered, timeout=30)
        assert await dead() == []
        again = await client.post(f"/v1/webhooks/dead-letters/{buried[0]['delivery_id']}/replay")
        assert again.status_code == 404

    recorded = await collect(
        infra.kafka_bootstrap,
        topics.WEBHOOK_DELIVERIES,
        until=lambda found: len(found) >= 2,
        match=lambda e: e["tenant"] == tenant,
    )
    assert [e["status"] for e in recorded] == ["dead_lettered", "replayed"]


async def test_webhooks_belong_to_their_platform(gateway: str, infra: Infra, tenant: str) -> None:
    other = {"base_url": gateway, "headers": await bearer(infra, f"o-{tenant}")}
    async with httpx.AsyncClient(base_url=gateway, headers=await bearer(infra, tenant)) as client:
        hook = await register(client, "http://127.0.0.1:9/never")
        async with httpx.AsyncClient(**other) as intruder:
            assert (await intruder.get("/v1/webhooks")).json()["data"] == []
            assert (await intruder.delete(f"/v1/webhooks/{hook['webhook_id']}")).status_code == 404
        listed = (await client.get("/v1/webhooks")).json()["data"]
        assert listed == [{"webhook_id": hook["webhook_id"], "url": "http://127.0.0.1:9/never"}]
        assert (await client.delete(f"/v1/webhooks/{hook['webhook_id']}")).status_code == 204
        assert (await client.get("/v1/webhooks")).json()["data"] == []


@pytest.mark.parametrize("url", ["not a url", "ftp://example.com/x", ""])
async def test_a_bad_callback_url_is_422(gateway: str, infra: Infra, tenant: str, url: str) -> None:
    async with httpx.AsyncClient(base_url=gateway, headers=await bearer(infra, tenant)) as client:
        response = await client.post("/v1/webhooks", json={"url": url})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"
