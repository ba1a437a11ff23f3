"""outreach: where community managers answer members. Replies to posts (a complaint answered
closes its case), reply templates per community, time to first response per community and
queue, the digest's themes as the product team owns them (a fixed one told to its members), and
scheduled digests by e-mail and to chat webhooks. Its API is internal: the desk admits moderators and community managers (token or
console session) and hands their requests on with who they are."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis

from services.outreach import handlers
from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.channels import ChatPoster, Mailer
from services.outreach.adapters.decisions import Decisions, DecisionsUnavailable
from services.outreach.adapters.digests import DigestBook
from services.outreach.adapters.health import HealthBook
from services.outreach.adapters.pulse import Pulse
from services.outreach.adapters.templates import ReplyTemplates
from services.outreach.adapters.themes import ThemeBook
from services.outreach.api.routes import digests, replies, reports, templates, themes
from services.outreach.config import Settings
from services.outreach.deliveries import Couriers, digest_watch
from services.shared.api import service_api
from services.shared.asyncapi import asyncapi_router
from services.shared.errors import error_body
from services.shared.kafka import make_broker
from services.shared.lag import consuming
from services.shared.ops import kafka_check, ops_router, redis_check
from services.shared.targets import DenyList, WebhookTargets


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "outreach")
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    views = handlers.Views(
        OpenCases(redis), ReplyTemplates(redis), ThemeBook(redis), DigestBook(redis),
        HealthBook(redis, settings.report_window_seconds),
    )  # fmt: skip
    broker.include_router(handlers.router(settings))
    broker.context.set_global("outreach", views)
    internal = settings.internal_token.get_secret_value() if settings.internal_token else None
    decisions = Decisions(settings.gateway_url, settings.gateway_timeout_seconds, internal)
    pulse = Pulse(settings.pulse_url, settings.pulse_timeout_seconds, internal)
    deny = DenyList.parse(settings.chat_deny_networks, settings.chat_allow_private)
    chat = ChatPoster(settings.chat_timeout_seconds, WebhookTargets(deny))
    couriers = Couriers(
        views.digests, views.cases, views.health, pulse, Mailer(settings), chat, settings
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with consuming(settings, broker):
            stop = asyncio.Event()
            watching = asyncio.create_task(digest_watch(couriers, redis, stop), name="digests")
            yield
            stop.set()
            await asyncio.wait([watching], timeout=10)
        await chat.aclose()
        await decisions.aclose()
        await pulse.aclose()
        await redis.aclose()

    app = service_api("outreach", "0.1.0", settings, lifespan=lifespan)
    app.state.__dict__.update(settings=settings, broker=broker, cases=views.cases,
                              templates=views.templates, decisions=decisions, pulse=pulse,
                              themes=views.themes, digests=views.digests, health=views.health,
                              chat_targets=chat.targets)  # fmt: skip

    @app.exception_handler(DecisionsUnavailable)
    async def decisions_unavailable(_: Request, exc: DecisionsUnavailable) -> JSONResponse:
        body = error_body(
            "decisions_unavailable", f"Cannot tell if the post may be answered: {exc}"
        )
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})

    for module in (replies, templates, themes, digests, reports):
        app.include_router(module.router)
    app.include_router(ops_router({"kafka": kafka_check(broker), "redis": redis_check(redis)}))
    app.include_router(
        asyncapi_router("outreach", app.version, broker, settings.kafka_bootstrap_servers)
    )
    return app
