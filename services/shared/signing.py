"""Signed, retried deliveries to receivers outside the platform (platforms' webhooks, chat
incoming webhooks): the signature and the retry timing. Pure.

Signature header: `Moderation-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, where the MAC
is over `<t>.<raw body>` with the receiver's secret. Receivers recompute it, compare in constant
time, and reject timestamps older than their tolerance (replay protection).
"""

from __future__ import annotations

import hashlib
import hmac
import random

SIGNATURE_HEADER = "Moderation-Signature"
IDEMPOTENCY_HEADER = "Moderation-Idempotency-Key"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does; shipped so platforms (and our tests) check signatures one way."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def backoff(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds before retry `attempt` (1 = the first retry): exponential, capped, and jittered
    between half and all of it, so a receiver that comes back is not hit by every retry at once."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)
