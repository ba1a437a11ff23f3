"""gateway: the face platforms see. Decisions, feed, stream, sanctions and webhooks, and
Perspective and OpenAI compatible scoring. (Moderators, admins and community managers use the
desk.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis

from services.contracts import topics
from services.gateway import handlers, metrics
from services.gateway.adapters.classifier import ClassifierClient
from services.gateway.adapters.decisions import DecisionStore
from services.gateway.adapters.ingest import IngestClient
from services.gateway.adapters.posts import KnownPosts
from services.gateway.adapters.score_maps import ScoreMaps
from services.gateway.adapters.webhooks import DeliveryQueue, WebhookStore
from services.gateway.api.routes import (
    authors,
    compat_openai,
    compat_perspective,
    decisions,
    ledger,
    score_maps,
    webhooks,
)
from services.gateway.config import Settings
from services.gateway.domain.moderations import ModerationError, openai_shape
from services.gateway.domain.perspective import PerspectiveError, google_shape
from services.gateway.webhook_worker import WebhookSender
from services.shared.api import service_api
from services.shared.asyncapi import asyncapi_router
from services.shared.kafka import adopt_group_offsets, make_broker, publish_for_tenant
from services.shared.keys import PlatformKeys
from services.shared.lag import consuming
from services.shared.ops import kafka_check, ops_router, redis_check
from services.shared.ratelimit import RateLimiter
from services.shared.targets import DenyList, WebhookTargets


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "gateway")
    redis = Redis.from_url(
        settings.redis_url, decode_responses=True, max_connections=settings.redis_max_connections
    )
    store, hooks, deliveries = DecisionStore(redis), WebhookStore(redis), DeliveryQueue(redis)
    posts = KnownPosts(redis, settings.known_post_ttl_seconds, settings.said_seconds)
    keys = PlatformKeys(redis, "gateway", settings.key_memory_seconds)
    broker.include_router(handlers.router(settings))
    maps = ScoreMaps(redis)
    views = handlers.Views(store, posts, hooks, deliveries, keys, maps)
    broker.context.set_global("gateway", views)

    internal = settings.internal_token.get_secret_value() if settings.internal_token else None
    classifier = ClassifierClient(
        settings.classifier_url, settings.classifier_timeout_seconds, internal
    )
    ingest = IngestClient(settings.ingest_url, internal)
    targets = WebhookTargets(
        DenyList.parse(settings.webhook_deny_networks, settings.webhook_allow_private)
    )
    sender = WebhookSender(
        settings,
        deliveries,
        hooks,
        partial(publish_for_tenant, broker, topics.WEBHOOK_DELIVERIES),
        targets,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # before the consumers start: the merged group starts where the old ones stopped
        adopt = partial(adopt_group_offsets, settings, handlers.VIEWS_GROUP, handlers.LEGACY_GROUPS)
        async with consuming(settings, broker, before=adopt):
            stop = asyncio.Event()
            worker = asyncio.create_task(sender.run(stop), name="webhook-sender")
            yield
            stop.set()
            try:
                await asyncio.wait_for(worker, settings.webhook_timeout_seconds + 5)
            except TimeoutError:
                worker.cancel()
        await classifier.aclose()
        await ingest.aclose()
        await redis.aclose()

    shapes = {"/v1alpha1/": google_shape, "/v1/moderations": openai_shape}
    app = service_api("gateway", "0.4.0", settings, error_shapes=shapes, lifespan=lifespan)
    app.state.__dict__.update(
        settings=settings,
        broker=broker,
        decisions=store,
        posts=posts,
        webhooks=hooks,
        deliveries=deliveries,
        platform_keys=keys,
        rate_limiter=RateLimiter(redis, "gateway"),
        classifier=classifier,
        ingest=ingest,
        webhook_targets=targets,
        score_maps=maps,
    )
    install_compat_errors(app)
    for module in (
        decisions, authors, webhooks, compat_perspective, compat_openai, ledger, score_maps
    ):  # fmt: skip
        app.include_router(module.router)
    app.include_router(ops_router({"kafka": kafka_check(broker), "redis": redis_check(redis)}))
    app.include_router(
        asyncapi_router("gateway", app.version, broker, settings.kafka_bootstrap_servers)
    )
    return app


def install_compat_errors(app: FastAPI) -> None:
    @app.exception_handler(PerspectiveError)
    async def perspective_error(_: Request, exc: PerspectiveError) -> JSONResponse:
        metrics.COMPAT_REQUESTS.labels("perspective", str(exc.code)).inc()
        return JSONResponse(exc.body(), status_code=exc.code)

    @app.exception_handler(ModerationError)
    async def openai_error(_: Request, exc: ModerationError) -> JSONResponse:
        metrics.COMPAT_REQUESTS.labels("openai", str(exc.status)).inc()
        return JSONResponse(exc.body(), status_code=exc.status)
