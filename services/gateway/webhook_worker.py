"""Delivers decisions to the platforms' webhooks: signed POSTs, retried with backoff and jitter,
dead-lettered after `webhook_max_attempts`. Runs in every gateway replica; leases keep two
replicas from sending the same delivery at the same time."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable

import httpx

from services.contracts.events import WebhookDeadLettered
from services.gateway import metrics
from services.gateway.adapters.webhooks import Delivery, DeliveryQueue, WebhookStore
from services.gateway.config import Settings
from services.gateway.domain.webhooks import payload
from services.shared.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, backoff, sign
from services.shared.targets import TargetRefused, WebhookTargets

log = logging.getLogger(__name__)
Record = Callable[[WebhookDeadLettered], Awaitable[None]]


class WebhookSender:
    def __init__(
        self,
        settings: Settings,
        queue: DeliveryQueue,
        hooks: WebhookStore,
        record: Record,
        targets: WebhookTargets,
    ) -> None:
        self.settings, self.queue, self.hooks, self.record = settings, queue, hooks, record
        self.targets = targets
        # redirects are not followed: a 3xx could point anywhere, past the deny list
        self.http = httpx.AsyncClient(
            timeout=settings.webhook_timeout_seconds, follow_redirects=False
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: lease what is due, send it, and wait a little when nothing is."""
        while not stop.is_set():
            try:
                sent = await self.round()
                await self.observe()
            except Exception:  # Redis or Kafka hiccup: the leases make the next round safe
                log.exception("webhook round failed")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.webhook_poll_seconds)
        await self.http.aclose()

    async def round(self) -> int:
        s = self.settings
        due = await self.queue.lease(time.time(), s.webhook_timeout_seconds * 2, s.webhook_batch)
        await asyncio.gather(*(self.send(delivery) for delivery in due))
        return len(due)

    async def send(self, delivery: Delivery) -> None:
        webhook = await self.hooks.get(delivery.webhook_id)
        if webhook is None:  # removed since the decision was enqueued: nothing to send
            await self.queue.delivered(delivery)
            return
        body = payload_of(delivery)
        headers = {
            "content-type": "application/json",
            SIGNATURE_HEADER: sign(webhook.secret, int(time.time()), body),
            IDEMPOTENCY_HEADER: delivery.event_id,
            "user-agent": "moderation-gateway-webhooks/1",
        }
        try:
            target = await self.targets.pin(webhook.url)
            response = await self.http.post(
                target.url,
                content=body,
                headers={**headers, "host": target.host_header},
                extensions={"sni_hostname": target.sni_hostname},
            )
            error = "" if response.is_success else f"HTTP {response.status_code}"
        except TargetRefused as refused:
            error = f"target refused: {refused}"
            metrics.WEBHOOK_TARGETS_REFUSED.labels("delivery").inc()
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"
        if not error:
            await self.queue.delivered(delivery)
            metrics.WEBHOOK_DELIVERIES.labels("delivered").inc()
            return
        await self.failed(delivery, error)

    async def failed(self, delivery: Delivery, error: str) -> None:
        s = self.settings
        attempt = delivery.attempts + 1
        if attempt >= s.webhook_max_attempts:
            await self.record(
                WebhookDeadLettered(
                    delivery_id=delivery.delivery_id,
                    webhook_id=delivery.webhook_id,
                    tenant=delivery.tenant,
                    decision_id=delivery.event_id,
                    event_type=delivery.event_type,
                    status="dead_lettered",
                    attempts=attempt,
                    error=error,
                )
            )
            await self.queue.bury(delivery, error)
            metrics.WEBHOOK_DELIVERIES.labels("dead_lettered").inc()
            log.warning(
                "webhook delivery dead-lettered",
                extra={"delivery_id": delivery.delivery_id, "error": error},
            )
            return
        delay = backoff(attempt, s.webhook_backoff_base_seconds, s.webhook_backoff_max_seconds)
        await self.queue.retry(delivery, time.time() + delay, error)
        metrics.WEBHOOK_DELIVERIES.labels("failed").inc()

    async def observe(self) -> None:
        pending, oldest = await self.queue.backlog()
        metrics.WEBHOOK_BACKLOG.set(pending)
        metrics.WEBHOOK_OLDEST_PENDING.set(time.time() - oldest if oldest else 0)


def payload_of(delivery: Delivery) -> bytes:
    return payload(
        delivery.event_type, delivery.event_id, json.loads(delivery.body), delivery.delivery_id
    )
