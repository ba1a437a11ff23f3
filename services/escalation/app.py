"""escalation: applies the community's policy to scored posts and publishes Decisions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import Redis

from services.escalation import handlers
from services.escalation.adapters.state import DecisionLedger
from services.escalation.config import Settings
from services.escalation.domain.policy import load_policy
from services.shared.kafka import ensure_topics, make_broker
from services.shared.ops import kafka_check, ops_router, redis_check


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "escalation")
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    policy = load_policy(settings.policy_dir / "default.yaml")
    handlers.register(broker, settings, DecisionLedger(redis), policy)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings)
        await broker.start()
        yield
        await broker.stop()
        await redis.aclose()

    app = FastAPI(title="moderation escalation", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(ops_router({"kafka": kafka_check(broker), "redis": redis_check(redis)}))
    return app
