"""gateway: the face platforms and moderators see; decisions are read from a Redis read model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import Redis

from services.gateway import handlers
from services.gateway.adapters.decisions import DecisionStore, PostDirectory
from services.gateway.api.routes import decisions
from services.gateway.config import Settings
from services.shared.errors import install_error_handlers
from services.shared.kafka import ensure_topics, make_broker
from services.shared.ops import kafka_check, ops_router, redis_check


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "gateway")
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    store = DecisionStore(redis)
    handlers.register(broker, settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings)
        await broker.start()
        yield
        await broker.stop()
        await redis.aclose()

    app = FastAPI(title="moderation gateway", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.decisions = store
    app.state.posts = PostDirectory(redis)
    install_error_handlers(app)
    app.include_router(decisions.router)
    app.include_router(ops_router({"kafka": kafka_check(broker), "redis": redis_check(redis)}))
    return app
