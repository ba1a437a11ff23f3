"""Webhook payloads. Pure. (Signatures and retry timing: `services/shared/signing.py`.)"""

from __future__ import annotations

import json
from typing import Any


def payload(event_type: str, event_id: str, view: dict[str, Any], delivery_id: str) -> bytes:
    """The body POSTed for a decision or a sanction: `{type, idempotency_key, delivery_id,
    <type>: the public view}`. The idempotency key is the decision (or sanction) id: a receiver
    that sees it twice (at-least-once delivery) can drop the repeat."""
    body = {
        "type": event_type,
        "idempotency_key": event_id,
        "delivery_id": delivery_id,
        event_type: view,
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
