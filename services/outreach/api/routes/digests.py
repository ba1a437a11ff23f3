"""Scheduled digests and health reports' delivery: an admin subscribes a community's feedback
digest, daily or weekly, to e-mail addresses or to a chat incoming webhook (Slack, Mattermost,
Teams); each subscription is an event, delivered by outreach's digest watch."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import AnyHttpUrl, BaseModel, EmailStr, Field, model_validator

from services.contracts import topics
from services.contracts.events import DigestSubscription
from services.contracts.text import PRINTABLE
from services.outreach.api.deps import Admin, BrokerDep, ChatTargetsDep, DigestsDep, SettingsDep
from services.outreach.api.publishing import published
from services.shared.errors import ApiError
from services.shared.paging import Listing
from services.shared.targets import TargetRefused

router = APIRouter(prefix="/v1/moderation/digest-subscriptions", tags=["digests"])
ERRORS = {
    401: {"description": "Missing or invalid moderator token"},
    403: {"description": "Subscriptions need the admin role"},
    404: {"description": "No such subscription"},
    422: {"description": "Bad addresses, URL or schedule"},
    503: {"description": "Kafka did not take it; nothing changed, retry"},
}


class Subscribe(BaseModel):
    community: str | None = Field(default=None, min_length=1, max_length=256, pattern=PRINTABLE,
                                  examples=["help"])  # fmt: skip
    channel: Literal["email", "chat"] = Field(examples=["email"])
    emails: list[EmailStr] = Field(default_factory=list, max_length=50,
                                   examples=[["product@example.com"]])  # fmt: skip
    webhook_url: AnyHttpUrl | None = Field(default=None, examples=["https://chat.example/hooks/x"])
    every: Literal["daily", "weekly"] = "weekly"
    report: Literal["digest", "health"] = Field(
        default="digest", description="The feedback digest, or the community health report."
    )
    at_hour: int = Field(default=8, ge=0, le=23, description="The hour (UTC) it is sent at.")
    first_at: datetime | None = Field(
        default=None, description="The first delivery, if not the next `at_hour`."
    )

    @model_validator(mode="after")
    def _addressed(self) -> Subscribe:
        if self.channel == "email" and not self.emails:
            raise ValueError("an email subscription needs `emails`")
        if self.channel == "chat" and (self.webhook_url is None or (self.webhook_url.scheme != "https"
                                       and self.webhook_url.host not in ("127.0.0.1", "localhost"))):  # fmt: skip
            raise ValueError("a chat subscription needs an https `webhook_url`")
        return self


class SubscriptionView(BaseModel):
    subscription_id: str = Field(examples=["ds-3f9a1c2d"])
    community: str | None
    channel: Literal["email", "chat"]
    to: list[str] = Field(
        description="The addresses, or the webhook's host (its path is a secret)."
    )
    every: Literal["daily", "weekly"]
    report: Literal["digest", "health"] = "digest"
    at_hour: int
    secret: str | None = Field(
        default=None, description="Shown once: chat deliveries are signed with it."
    )
    last: dict = Field(
        default_factory=dict, description="The last delivery: sent, attempts, last_error."
    )


class SubscriptionList(Listing[SubscriptionView]):
    """The platform's digest subscriptions."""


def view_of(
    s: DigestSubscription, last: dict | None = None, secret: bool = False
) -> SubscriptionView:
    shown = s.to if s.channel == "email" else [AnyHttpUrl(s.to[0]).host or ""]
    return SubscriptionView(subscription_id=s.subscription_id, community=s.community,
                            channel=s.channel, to=shown, every=s.every, report=s.report, at_hour=s.at_hour,
                            secret=s.secret if secret else None, last=last or {})  # fmt: skip


@router.post("", status_code=201, response_model=SubscriptionView, responses=ERRORS)
async def subscribe(
    body: Subscribe, admin: Admin, broker: BrokerDep, settings: SettingsDep,
    targets: ChatTargetsDep,
) -> SubscriptionView:  # fmt: skip
    """Deliver the community's feedback digest every day or week, by e-mail or to a chat (whose
    address is held to the deny list, as platforms' webhooks are)."""
    url = body.webhook_url
    if url is not None and url.scheme != "https" and not settings.chat_allow_http:
        raise ApiError(422, "webhook_url_not_https", "A chat webhook URL must be https.")
    if url is not None:
        try:
            await targets.pin(str(url))
        except TargetRefused as refused:
            raise ApiError(422, "webhook_url_refused", f"Refused: {refused}.") from None
    to = [str(e) for e in body.emails] if body.channel == "email" else [str(body.webhook_url)]
    subscription = DigestSubscription(
        subscription_id=f"ds-{secrets.token_hex(6)}", tenant=admin.tenant,
        community=body.community, channel=body.channel, to=to, every=body.every, report=body.report,
        at_hour=body.at_hour, first_at=body.first_at, actor=admin.staff_id,
        secret=f"whsec_{secrets.token_urlsafe(18)}" if body.channel == "chat" else "",
    )  # fmt: skip
    await published(
        broker, subscription, topics.DIGEST_SUBSCRIPTIONS, topics.tenant_key(admin.tenant)
    )
    return view_of(subscription, secret=True)


@router.get("", response_model=SubscriptionList, responses=ERRORS)
async def subscriptions(admin: Admin, digests: DigestsDep) -> SubscriptionList:
    """Every subscription, with how its last delivery went."""
    listed = await digests.listed(admin.tenant)
    return SubscriptionList(data=[view_of(s, last) for s, last in listed])


@router.delete("/{subscription_id}", status_code=202, response_model=SubscriptionList,
               responses=ERRORS)  # fmt: skip
async def unsubscribe(
    subscription_id: Annotated[str, Path(max_length=64, pattern=PRINTABLE)],
    admin: Admin, digests: DigestsDep, broker: BrokerDep,
) -> SubscriptionList:  # fmt: skip
    """Stop a subscription."""
    found = await digests.get(admin.tenant, subscription_id)
    if found is None:
        raise ApiError(404, "subscription_not_found", f"No subscription {subscription_id}.")
    removed = found.model_copy(update={"removed": True, "actor": admin.staff_id})
    await published(broker, removed, topics.DIGEST_SUBSCRIPTIONS, topics.tenant_key(admin.tenant))
    return SubscriptionList(data=[view_of(found)])
