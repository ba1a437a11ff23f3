"""Scheduled digests on real Kafka and Redis, to a real SMTP server (aiosmtpd, STARTTLS with a
certificate made here, AUTH required) and a real chat receiver over HTTP: the digest arrives
once by e-mail; the chat webhook that answers 500 twice gets it, signed, on the third attempt;
an address the server refuses is retried with back-off and given up, and the subscription
says why."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import time
import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI, Request, Response

from deploy.localstack import free_port
from services.outreach.config import Settings as OutreachSettings
from services.outreach.main import create_app as create_outreach
from services.pulse.app import create_app as create_pulse
from services.pulse.config import Settings as PulseSettings
from services.shared.internal import on_behalf_of
from services.shared.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify
from tests.conftest import Infra
from tests.integration.helpers import eventually, running, serving
from tests.integration.mail import REFUSED, SMTP_PASSWORD, SMTP_USER, mail_server

pytestmark = pytest.mark.integration
INTERNAL = "digests-internal"


def chat_receiver(calls: list[tuple[dict, bytes]], failures: int) -> FastAPI:
    app = FastAPI()

    @app.post("/hooks/team")
    async def hook(request: Request) -> Response:
        calls.append((dict(request.headers), await request.body()))
        return Response(status_code=500 if len(calls) <= failures else 200)

    return app


async def test_digests_reach_the_mail_server_and_the_chat_once_after_retries(
    infra: Infra, tenant: str, tmp_path: Path
) -> None:
    port = free_port()
    mailbox, smtp = mail_server(tmp_path, port)
    calls: list[tuple[dict, bytes]] = []
    common = {"kafka_bootstrap_servers": infra.kafka_bootstrap, "redis_url": infra.redis_url,
              "internal_token": INTERNAL}  # fmt: skip
    pulse = create_pulse(PulseSettings(**common, kafka_group_id=f"pulse-{uuid.uuid4().hex[:6]}",
                                       pulse_start_from="latest"))  # fmt: skip
    staff = {"authorization": f"Bearer {INTERNAL}", **on_behalf_of(tenant, "lead", "admin")}
    try:
        async with (
            serving(pulse) as pulse_url,
            serving(chat_receiver(calls, failures=2)) as chat_url,
        ):
            outreach = create_outreach(OutreachSettings(
                **common, pulse_url=pulse_url, kafka_group_id=f"outreach-{uuid.uuid4().hex[:6]}",
                smtp_host="127.0.0.1", smtp_port=port, smtp_username=SMTP_USER,
                smtp_password=SMTP_PASSWORD, smtp_validate_certs=False, smtp_from="pulse@example.com",
                digest_check_seconds=0.3, digest_backoff_base_seconds=0.2,
                digest_backoff_max_seconds=0.5, digest_max_attempts=3, chat_allow_http=True,
                chat_allow_private=True,  # the test's receiver is on loopback
            ))  # fmt: skip
            now = dt.datetime.now(dt.UTC).isoformat()
            async with running(outreach) as client:
                mail = await client.post("/v1/moderation/digest-subscriptions", headers=staff, json={
                    "community": "help", "channel": "email", "emails": ["product@example.com"],
                    "every": "daily", "first_at": now})  # fmt: skip
                chat = await client.post("/v1/moderation/digest-subscriptions", headers=staff, json={
                    "community": "help", "channel": "chat", "webhook_url": f"{chat_url}/hooks/team",
                    "every": "weekly", "first_at": now})  # fmt: skip
                health = await client.post("/v1/moderation/digest-subscriptions", headers=staff, json={
                    "community": "help", "channel": "email", "emails": ["lead@example.com"],
                    "report": "health", "every": "weekly", "first_at": now})  # fmt: skip
                refused = await client.post("/v1/moderation/digest-subscriptions", headers=staff, json={
                    "community": "help", "channel": "email", "emails": [REFUSED], "first_at": now})  # fmt: skip
                bad = await client.post("/v1/moderation/digest-subscriptions", headers=staff,
                                        json={"channel": "email", "emails": ["not an address"]})  # fmt: skip
                metadata = await client.post("/v1/moderation/digest-subscriptions", headers=staff, json={
                    "community": "help", "channel": "chat", "every": "daily",
                    "webhook_url": "https://169.254.169.254/latest/meta-data"})  # fmt: skip

                async def settled() -> list[dict] | None:
                    found = (
                        await client.get("/v1/moderation/digest-subscriptions", headers=staff)
                    ).json()["data"]
                    done = [
                        s for s in found if s["last"].get("sent") or s["last"].get("attempts") == 3
                    ]
                    return found if len(done) == 4 and len(calls) >= 3 else None

                listed = await eventually(settled, timeout=60)
                await asyncio.sleep(1.5)  # more sweeps: nothing is sent twice
                metrics = (await client.get("/metrics")).text
                gone_id = refused.json()["subscription_id"]
                stopped = await client.delete(
                    f"/v1/moderation/digest-subscriptions/{gone_id}", headers=staff
                )
                missing = await client.delete(
                    "/v1/moderation/digest-subscriptions/ds-none", headers=staff
                )

                async def left() -> bool:
                    found = (
                        await client.get("/v1/moderation/digest-subscriptions", headers=staff)
                    ).json()["data"]
                    return gone_id not in [s["subscription_id"] for s in found] and len(found) == 3

                assert await eventually(left, timeout=30)
    finally:
        smtp.stop()
    assert mail.status_code == chat.status_code == refused.status_code == 201, mail.text
    assert bad.status_code == 422
    # private addresses allowed here, a cloud metadata address never: nothing subscribed
    assert metadata.status_code == 422, metadata.text
    assert metadata.json()["error"]["code"] == "webhook_url_refused"
    assert stopped.status_code == 202 and missing.status_code == 404
    assert chat.json()["secret"].startswith("whsec_") and chat.json()["to"] == ["127.0.0.1"]
    assert listed, "the digests never settled"
    assert health.status_code == 201 and health.json()["report"] == "health"
    assert len(mailbox.messages) == 2
    by_to = {tuple(to): (sender, content) for sender, to, content in mailbox.messages}
    report = email.message_from_string(by_to[("lead@example.com",)][1], policy=email.policy.default)
    assert report["Subject"].startswith("Community health: help")
    assert "posts;" in report.get_body(("plain",)).get_content()
    assert "Mood and toxicity, day by day" in report.get_body(("html",)).get_content()
    sender, to, content = next(m for m in mailbox.messages if m[1] == ["product@example.com"])
    assert (sender, to) == ("pulse@example.com", ["product@example.com"])
    assert "Subject: Feedback from help" in content and "posts of civil criticism" in content
    assert "Time to first response" in content
    assert len(calls) == 3  # two failures, then the one that went through
    headers, body = calls[-1]
    assert verify(chat.json()["secret"], headers[SIGNATURE_HEADER.lower()], body, int(time.time()))
    assert headers[IDEMPOTENCY_HEADER.lower()] == calls[0][0][IDEMPOTENCY_HEADER.lower()]
    assert b"Feedback from help" in body
    states = {s["subscription_id"]: s["last"] for s in listed}
    given_up = states[refused.json()["subscription_id"]]
    assert not given_up["sent"] and given_up["attempts"] == 3 and "550" in given_up["last_error"]
    assert 'outreach_digest_deliveries_total{channel="email",outcome="given_up"} 1.0' in metrics
    assert 'outreach_digest_deliveries_total{channel="chat",outcome="sent"} 1.0' in metrics
