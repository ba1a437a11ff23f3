"""ingest: platforms POST posts here, signed with a platform key (`posts:write`); each accepted
post becomes a PostSubmitted on Kafka. Keys are known from the credentials topic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import Redis

from services.ingest import handlers
from services.ingest.adapters.publisher import Publisher
from services.ingest.adapters.registry import PostRegistry
from services.ingest.adapters.reports import ReportLedger
from services.ingest.api.routes import batch, posts, reports, scored
from services.ingest.config import Settings
from services.shared.api import service_api
from services.shared.asyncapi import asyncapi_router
from services.shared.kafka import make_broker
from services.shared.keys import PlatformKeys
from services.shared.lag import consuming
from services.shared.ops import kafka_check, ops_router, redis_check
from services.shared.ratelimit import RateLimiter


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "ingest")
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    keys = PlatformKeys(redis, "ingest", settings.key_memory_seconds)
    publisher = Publisher(
        settings.kafka_bootstrap_servers,
        f"{settings.kafka_client_id}-ingest-posts",
        settings.kafka_linger_ms,
    )
    broker.include_router(handlers.router(settings))
    broker.context.set_global("platform_keys", keys)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with consuming(settings, broker):
            await publisher.start()
            yield
            await publisher.stop()
            await app.state.registry.flush_marks()
        await redis.aclose()

    # A batch answers per item, so its bodies are not refused whole for one bad string (and
    # the hot path parses each body once): the items' own checks refuse what Kafka cannot take.
    app = service_api(
        "ingest",
        "0.1.0",
        settings,
        body_limits={"/v1/posts:batch": settings.max_batch_body_bytes},
        strict_json=False,
        direct={("POST", "/v1/posts"): posts.submit_post_direct},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.broker = broker
    app.state.publisher = publisher
    app.state.registry = PostRegistry(redis, settings.stale_claim_seconds)
    app.state.platform_keys = keys
    app.state.reports = ReportLedger(redis, int(settings.report_memory_days * 86400))
    app.state.rate_limiter = RateLimiter(redis, "ingest")
    app.include_router(posts.router)
    app.include_router(batch.router)
    app.include_router(reports.router)
    app.include_router(scored.router)
    app.include_router(ops_router({"kafka": kafka_check(broker), "redis": redis_check(redis)}))
    app.include_router(
        asyncapi_router("ingest", app.version, broker, settings.kafka_bootstrap_servers)
    )
    return app
