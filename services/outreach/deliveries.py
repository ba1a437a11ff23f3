"""The digest watch: every DIGEST_CHECK_SECONDS, the digests that are due are built (pulse's
Markdown digest of their period, and the community's time to first response; or the
community's health report) and delivered by e-mail or to a chat webhook. A failure is
retried with back-off, up to DIGEST_MAX_ATTEMPTS, then given up (and shown on the
subscription); the next period is due either way. A delivery that went out is never sent
again. Each sweep reads only what is due; a lock keeps replicas from sweeping together."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from services.contracts.events import DigestSubscription
from services.outreach import metrics
from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.channels import ChatPoster, DeliveryFailed, Mailer
from services.outreach.adapters.digests import DigestBook
from services.outreach.adapters.health import HealthBook
from services.outreach.adapters.pulse import Pulse, PulseUnavailable
from services.outreach.config import Settings
from services.outreach.domain.digests import (
    chat_body,
    delivery_id,
    email_of,
    next_due,
    period_of,
    title_of,
)
from services.outreach.domain.health_page import as_html, as_text
from services.outreach.domain.responses import as_markdown as responses_markdown
from services.outreach.reports import health_of
from services.shared.signing import backoff
from services.shared.sweeps import sweep_every

log = logging.getLogger(__name__)
LOCK_KEY = "outreach:digest-lock"


@dataclass(frozen=True)
class Couriers:
    book: DigestBook
    cases: OpenCases  # the time to first response each digest reports
    health: HealthBook  # what a health report is built from
    pulse: Pulse
    mailer: Mailer
    chat: ChatPoster
    settings: Settings


async def digest_watch(couriers: Couriers, redis: Redis, stop: asyncio.Event) -> None:
    """Every DIGEST_CHECK_SECONDS until `stop`, one replica at a time."""

    async def sweep() -> None:
        for subscription, due in await couriers.book.due(datetime.now(UTC)):
            await deliver(couriers, subscription, due)

    interval = couriers.settings.digest_check_seconds
    await sweep_every(redis, LOCK_KEY, interval, stop, sweep, max(interval, 5) * 3)


async def deliver(couriers: Couriers, subscription: DigestSubscription, due: datetime) -> None:
    """`due`: when the sweep found it due; a retry sends the period of its first attempt."""
    book, settings = couriers.book, couriers.settings
    due, attempts = await book.unfinished(subscription) or (due, 0)
    delivery = delivery_id(subscription, due)
    held = 2 * (settings.smtp_timeout_seconds + settings.chat_timeout_seconds)
    if not await book.claim(delivery, held):
        return  # another replica's sweep is sending it
    try:
        await attempt(couriers, subscription, due, delivery, attempts + 1)
    finally:
        await book.release(delivery)


async def attempt(couriers: Couriers, subscription: DigestSubscription, due: datetime,
                  delivery: str, attempts: int) -> None:  # fmt: skip
    book, settings = couriers.book, couriers.settings
    if await book.was_sent(delivery):
        await book.schedule(subscription, next_due(subscription, due, datetime.now(UTC)))
        return
    try:
        await send(couriers, subscription, due, delivery)
    except (DeliveryFailed, PulseUnavailable) as error:
        metrics.DIGESTS.labels(subscription.channel, "failed").inc()
        given_up = attempts >= settings.digest_max_attempts
        await book.record(subscription, due, delivery, False, attempts, str(error), given_up)
        if given_up:
            metrics.DIGESTS.labels(subscription.channel, "given_up").inc()
            log.warning("digest given up", extra={"delivery_id": delivery, "error": str(error)})
            await book.schedule(subscription, next_due(subscription, due, datetime.now(UTC)))
        else:
            wait = backoff(attempts, settings.digest_backoff_base_seconds,
                           settings.digest_backoff_max_seconds)  # fmt: skip
            await book.schedule(subscription, datetime.now(UTC) + timedelta(seconds=wait))
        return
    metrics.DIGESTS.labels(subscription.channel, "sent").inc()
    await book.record(subscription, due, delivery, True, attempts)
    await book.schedule(subscription, next_due(subscription, due, datetime.now(UTC)))


async def send(couriers: Couriers, subscription: DigestSubscription, due: datetime,
               delivery: str) -> None:  # fmt: skip
    start, end = period_of(subscription, due)
    if subscription.report == "health":
        await send_health(couriers, subscription, start, end, delivery)
        return
    markdown = await couriers.pulse.digest(subscription.tenant, subscription.community,
                                           start.isoformat(), end.isoformat())  # fmt: skip
    times = await couriers.cases.response_times(subscription.tenant, start.date(), end.date())
    mine = [t for t in times if t.community == subscription.community]
    markdown = f"{markdown.rstrip()}\n\n{responses_markdown(mine)}"
    title = title_of(subscription, start, end)
    if subscription.channel == "email":
        message = email_of(couriers.settings.smtp_from, subscription.to, title, markdown, delivery)
        await couriers.mailer.send(message)
        return
    body = chat_body(title, markdown, delivery)
    await couriers.chat.post(subscription.to[0], body, subscription.secret, delivery)


async def send_health(couriers: Couriers, subscription: DigestSubscription, start: datetime,
                      end: datetime, delivery: str) -> None:  # fmt: skip
    """The community health report of the period: the page itself by e-mail (with a text
    part), its summary to a chat."""
    last = (end - timedelta(seconds=1)).date()
    built = await health_of(couriers.health, couriers.cases, couriers.pulse, subscription.tenant,
                            subscription.community, start.date(), last)  # fmt: skip
    title = f"Community health: {subscription.community or 'posts without a community'}, {start.date()} to {last}"
    text = as_text(built)
    if subscription.channel == "email":
        message = email_of(couriers.settings.smtp_from, subscription.to, title, text, delivery)
        message.add_alternative(as_html(built), subtype="html")
        await couriers.mailer.send(message)
        return
    await couriers.chat.post(
        subscription.to[0], chat_body(title, text, delivery), subscription.secret, delivery
    )
