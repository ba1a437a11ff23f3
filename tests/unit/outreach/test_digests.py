"""Scheduled digests: when they are due, what period they cover, what is sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from services.contracts.events import DigestSubscription
from services.outreach.domain.digests import (
    chat_body,
    delivery_id,
    email_of,
    first_due,
    next_at_hour,
    next_due,
    period_of,
)

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def subscription(**fields) -> DigestSubscription:
    base = {"subscription_id": "ds-1", "tenant": "t", "community": "help", "channel": "email",
            "to": ["product@example.com"], "every": "daily", "at_hour": 8, "actor": "lead"}  # fmt: skip
    return DigestSubscription(**(base | fields))


def test_the_first_is_due_at_the_next_hour_or_when_asked():
    assert next_at_hour(8, NOW) == datetime(2026, 12, 8, 8, tzinfo=UTC)
    assert next_at_hour(10, NOW) == datetime(2026, 12, 7, 10, tzinfo=UTC)
    assert first_due(subscription(), NOW) == datetime(2026, 12, 8, 8, tzinfo=UTC)
    assert first_due(subscription(first_at=NOW), NOW) == NOW


def test_a_period_ends_when_it_is_due_and_the_next_follows_it():
    due = datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert period_of(subscription(), due) == (due - timedelta(days=1), due)
    assert period_of(subscription(every="weekly"), due)[0] == due - timedelta(days=7)
    assert next_due(subscription(), due, NOW) == due + timedelta(days=1)
    # down for three weeks: one digest on return, the next period after now
    back = due + timedelta(days=21, hours=2)
    assert next_due(subscription(every="weekly"), due, back) == due + timedelta(days=28)


def test_a_delivery_is_named_by_its_subscription_and_period():
    due = datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert delivery_id(subscription(), due) == delivery_id(subscription(), due)
    assert delivery_id(subscription(), due) != delivery_id(subscription(), due + timedelta(days=1))


def test_what_is_sent():
    body = json.loads(chat_body("Feedback from help", "| Theme |", "ds-1:1"))
    assert body == {"text": "**Feedback from help**\n\n| Theme |", "delivery_id": "ds-1:1"}
    mail = email_of(
        "pulse@example.com", ["a@example.com", "b@example.com"], "Feedback", "# Hi", "ds-1:1"
    )
    assert mail["To"] == "a@example.com, b@example.com" and mail["Subject"] == "Feedback"
    assert mail["Message-ID"] == "<ds-1.1@moderation>" and mail.get_content().strip() == "# Hi"
