"""Webhook payloads, signatures and backoff."""

from __future__ import annotations

import json
import random

from services.gateway.domain.webhooks import backoff, payload, sign, verify

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
