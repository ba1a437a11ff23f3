"""Webhook payloads, signatures and backoff."""

from __future__ import annotations

import json
import random

import fakeredis
import httpx

from services.contracts.events import WebhookEvent
from services.gateway.adapters.webhooks import (
    Delivery,
    DeliveryQueue,
    WebhookStore,
    delivery_key,
)
from services.gateway.config import Settings
from services.gateway.domain.webhooks import payload
from services.gateway.webhook_worker import WebhookSender
from services.shared.signing import backoff, sign, verify
from services.shared.targets import DenyList, WebhookTargets

DECISION = {"decision_id": "d-1", "post_id": "p-1", "action": "remove"}
SANCTION = {"sanction_id": "s-1", "author_id": "u-1", "sanction": "ban"}


def test_payload_carries_the_decision_and_its_id_as_idempotency_key() -> None:
    body = json.loads(payload("decision", "d-1", DECISION, "del-1"))
    assert body == {"type": "decision", "idempotency_key": "d-1", "delivery_id": "del-1",
                    "decision": DECISION}  # fmt: skip


def test_a_sanction_payload_is_typed_and_keyed_by_the_sanction() -> None:
    body = json.loads(payload("sanction", "s-1", SANCTION, "del-2"))
    assert body == {"type": "sanction", "idempotency_key": "s-1", "delivery_id": "del-2",
                    "sanction": SANCTION}  # fmt: skip


def test_a_signature_verifies_with_the_secret_and_not_otherwise() -> None:
    body = payload("decision", "d-1", DECISION, "del-1")
    header = sign("s3cret", 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=")
    assert verify("s3cret", header, body, now=1_700_000_010)
    assert not verify("other", header, body, now=1_700_000_010)
    assert not verify("s3cret", header, body + b" ", now=1_700_000_010)


def test_old_timestamps_are_refused_to_stop_replays() -> None:
    body = payload("decision", "d-1", DECISION, "del-1")
    header = sign("s3cret", 1_700_000_000, body)
    assert not verify("s3cret", header, body, now=1_700_000_000 + 301)


def test_a_tampered_timestamp_breaks_the_signature() -> None:
    body = payload("decision", "d-1", DECISION, "del-1")
    header = sign("s3cret", 1_700_000_000, body).replace("t=1700000000", "t=1700000005")
    assert not verify("s3cret", header, body, now=1_700_000_005)
    assert not verify("s3cret", "garbage", body, now=1_700_000_005)


def test_backoff_grows_exponentially_within_its_jitter_band_and_is_capped() -> None:
    rng = random.Random(7)
    for attempt, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0)]:
        delays = [backoff(attempt, 2.0, 600.0, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling / 4  # jittered, not fixed
    assert all(backoff(30, 2.0, 60.0, rng) <= 60.0 for _ in range(50))


async def test_delivery_checks_the_target_again_and_never_connects_to_a_denied_one() -> None:
    """A webhook registered while private networks were allowed, delivered by a gateway that
    denies them: refused before any connection, and retried like any failure."""
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    hooks, queue = WebhookStore(redis), DeliveryQueue(redis)
    hook = WebhookEvent(webhook_id="w1", tenant="t", url="http://127.0.0.1:9/x", secret="s")
    await hooks.apply(hook)
    settings = Settings()

    async def record(_) -> None:
        raise AssertionError("not dead-lettered on the first attempt")

    sender = WebhookSender(
        settings,
        queue,
        hooks,
        record,
        WebhookTargets(DenyList.parse(settings.webhook_deny_networks)),
    )
    connections: list[object] = []
    sender.http = httpx.AsyncClient(transport=httpx.MockTransport(connections.append))
    delivery = Delivery("d1", "w1", "t", "decision", "e1", "{}", 0, 0.0)
    await sender.send(delivery)
    assert connections == []
    stored = await redis.hgetall(delivery_key("d1"))
    assert stored["attempts"] == "1" and stored["last_error"].startswith("target refused")
