"""Scheduled digests: when each is due, the period it covers, and what is sent. Pure.

A daily digest covers the 24 hours before it is due, a weekly one the 7 days; each is due at
the subscription's hour (UTC), the first at `first_at` if given. A delivery is named by its
subscription and the end of its period, so a retry sends the same digest and one that went
out is not sent again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from services.contracts.events import DigestSubscription

SPAN = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def first_due(subscription: DigestSubscription, now: datetime) -> datetime:
    if subscription.first_at is not None:
        return subscription.first_at
    return next_at_hour(subscription.at_hour, now)


def next_at_hour(hour: int, after: datetime) -> datetime:
    """The first time at `hour`:00 UTC strictly after `after`."""
    at = after.astimezone(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > after else at + timedelta(days=1)


def next_due(subscription: DigestSubscription, due: datetime, now: datetime) -> datetime:
    """After a delivery due at `due` (sent or given up), the next one: the first period end
    after `now`, so a service that was down sends one digest on its return, not one for every
    period it missed."""
    span = SPAN[subscription.every]
    missed = max(0, (now - due) // span)
    return due + span * (missed + 1)


def period_of(subscription: DigestSubscription, due: datetime) -> tuple[datetime, datetime]:
    return due - SPAN[subscription.every], due


def delivery_id(subscription: DigestSubscription, due: datetime) -> str:
    return f"{subscription.subscription_id}:{int(due.timestamp())}"


def title_of(subscription: DigestSubscription, start: datetime, end: datetime) -> str:
    where = subscription.community or "posts without a community"
    return f"Feedback from {where}, {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def chat_body(title: str, markdown: str, delivery: str) -> bytes:
    """One JSON body Slack's, Mattermost's and Teams' incoming webhooks all show: `text` (their
    Markdown), with the digest's title first; `delivery_id` is the receivers' idempotency key."""
    body = {"text": f"**{title}**\n\n{markdown}", "delivery_id": delivery}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def email_of(sender: str, to: list[str], title: str, markdown: str, delivery: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(to), title
    message["Message-ID"] = f"<{delivery.replace(':', '.')}@moderation>"  # repeats are spotted
    message.set_content(markdown)
    return message
