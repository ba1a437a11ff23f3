"""Webhooks for platforms: register callback URLs, list and remove them, inspect and replay
dead-lettered deliveries. Registrations are events on the webhooks topic."""

from __future__ import annotations

import secrets
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field, HttpUrl

from services.contracts import topics
from services.contracts.events import WebhookDeadLettered, WebhookEvent, revised
from services.gateway import metrics
from services.gateway.adapters.webhooks import Delivery
from services.gateway.api.deps import (
    BrokerDep,
    DeliveryQueueDep,
    WebhookManager,
    WebhookStoreDep,
    WebhookTargetsDep,
)
from services.shared.errors import ApiError
from services.shared.kafka import publish_for_tenant
from services.shared.paging import Listing, Page
from services.shared.platforms import position_of
from services.shared.targets import TargetRefused

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
ERRORS = {
    401: {"description": "Missing or invalid API key"},
    403: {"description": "The key lacks the webhooks:manage scope"},
    429: {"description": "Over the key's rate limit"},
}
REFUSED = {422: {"description": "The URL resolves into a denied network (SSRF guard)"}}


class WebhookCreate(BaseModel):
    url: HttpUrl = Field(examples=["https://forum.example/hooks/moderation"])


class WebhookView(BaseModel):
    webhook_id: str = Field(examples=["0ec0ef9abe9c4c94"])
    url: str = Field(examples=["https://forum.example/hooks/moderation"])


class WebhookCreated(WebhookView):
    secret: str = Field(
        description="Signs every delivery (HMAC-SHA256). Shown only now.",
        examples=["whsec_3q8JdV0cXb2LrT6n"],
    )


class WebhookList(Listing[WebhookView]):
    """Every one of the webhooks."""


class DeadDelivery(BaseModel):
    delivery_id: str = Field(examples=["c6887625-bebb-4ace-944f-d6f0f70125d8"])
    webhook_id: str = Field(examples=["0ec0ef9abe9c4c94"])
    event_type: Literal["decision", "sanction", "community_alert", "reply"]
    event_id: str = Field(description="The decision or sanction id (the idempotency key).")
    attempts: int = Field(examples=[8])
    last_error: str = Field(examples=["HTTP 503 from the receiver"])


def dead_view(d: Delivery, attempts: int | None = None) -> DeadDelivery:
    return DeadDelivery(
        delivery_id=d.delivery_id,
        webhook_id=d.webhook_id,
        event_type=d.event_type,  # type: ignore[arg-type]
        event_id=d.event_id,
        attempts=d.attempts if attempts is None else attempts,
        last_error=d.last_error,
    )


class DeadDeliveryList(Page[DeadDelivery]):
    """One page of dead-lettered deliveries."""


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    responses={**ERRORS, **REFUSED},
)
async def register_webhook(
    body: WebhookCreate,
    platform: WebhookManager,
    hooks: WebhookStoreDep,
    broker: BrokerDep,
    targets: WebhookTargetsDep,
) -> WebhookCreated:
    """Every decision on your posts is POSTed here, signed with the secret returned now."""
    try:
        await targets.pin(str(body.url))
    except TargetRefused as refused:
        metrics.WEBHOOK_TARGETS_REFUSED.labels("registration").inc()
        raise ApiError(
            422,
            "webhook_target_refused",
            f"Webhooks may not point at {refused} (see WEBHOOK_DENY_NETWORKS).",
            details=[{"field": "url", "problem": str(refused)}],
        ) from None
    event = WebhookEvent(
        webhook_id=secrets.token_hex(8),
        tenant=platform.tenant,
        url=str(body.url),
        secret=f"whsec_{secrets.token_urlsafe(32)}",
    )
    await publish_for_tenant(broker, topics.WEBHOOKS, event)
    await hooks.apply(event)
    return WebhookCreated(webhook_id=event.webhook_id, url=event.url, secret=event.secret)


@router.get("", response_model=WebhookList, responses=ERRORS)
async def list_webhooks(platform: WebhookManager, hooks: WebhookStoreDep) -> WebhookList:
    """Your registered webhooks (their secrets are only shown at registration)."""
    found = await hooks.of_tenant(platform.tenant)
    return WebhookList(data=[WebhookView(webhook_id=w.webhook_id, url=w.url) for w in found])


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**ERRORS, 404: {"description": "No such webhook"}},
)
async def remove_webhook(
    webhook_id: str, platform: WebhookManager, hooks: WebhookStoreDep, broker: BrokerDep
) -> Response:
    """Stop sending decisions to this webhook; deliveries already queued are dropped."""
    found = await hooks.get(webhook_id)
    if found is None or found.tenant != platform.tenant:
        raise ApiError(404, "webhook_not_found", f"No webhook {webhook_id}.")
    removed = revised(found, removed=True)
    await publish_for_tenant(broker, topics.WEBHOOKS, removed)
    await hooks.apply(removed)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/dead-letters", response_model=DeadDeliveryList, responses=ERRORS)
async def dead_letters(
    platform: WebhookManager,
    deliveries: DeliveryQueueDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
) -> DeadDeliveryList:
    """Deliveries that failed every retry, oldest first."""
    found, next_cursor = await deliveries.dead(platform.tenant, position_of(cursor), limit)
    return DeadDeliveryList(data=[dead_view(d) for d in found], next_cursor=next_cursor)


@router.post(
    "/dead-letters/{delivery_id}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeadDelivery,
    responses={**ERRORS, 404: {"description": "No such dead-lettered delivery"}},
)
async def replay(
    delivery_id: str,
    platform: WebhookManager,
    deliveries: DeliveryQueueDep,
    broker: BrokerDep,
) -> DeadDelivery:
    """Send a dead-lettered delivery again, with a fresh set of retries."""
    delivery = await deliveries.replay(platform.tenant, delivery_id)
    if delivery is None:
        raise ApiError(404, "delivery_not_found", f"No dead-lettered delivery {delivery_id}.")
    replayed = WebhookDeadLettered(
        delivery_id=delivery_id,
        webhook_id=delivery.webhook_id,
        tenant=delivery.tenant,
        decision_id=delivery.event_id,
        event_type=delivery.event_type,  # type: ignore[arg-type]
        status="replayed",
        attempts=0,
    )
    await publish_for_tenant(broker, topics.WEBHOOK_DELIVERIES, replayed)
    return dead_view(delivery, attempts=0)
