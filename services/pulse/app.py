"""pulse: the mood of each community, from scored posts and decisions: windows of volume,
toxicity, negative tone, civil criticism and actioned posts (the mood topic), and a detector
that raises an alert when a wave of negativity starts, grows or ends (the alerts topic)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis.asyncio import Redis

from services.pulse import api, handlers
from services.pulse.adapters.detectors import Detectors
from services.pulse.adapters.feedback import FeedbackBook
from services.pulse.adapters.pileons import PileOns
from services.pulse.adapters.tallies import Tallies
from services.pulse.closer import closer
from services.pulse.config import Settings
from services.pulse.domain.detector import Tuning, Tunings
from services.pulse.domain.pileon import PileOnTuning
from services.pulse.sentiment import Sentiment
from services.shared.api import service_api
from services.shared.asyncapi import asyncapi_router
from services.shared.kafka import make_broker
from services.shared.lag import consuming
from services.shared.ops import kafka_check, ops_router, redis_check


def tunings_of(settings: Settings) -> Tunings:
    default = Tuning(
        start=settings.pulse_start,
        escalate=settings.pulse_escalate,
        end=settings.pulse_end,
        min_volume=settings.pulse_min_volume,
        min_lift=settings.pulse_min_lift,
        cooldown_windows=settings.pulse_cooldown_windows,
        warmup_windows=settings.pulse_warmup_windows,
    )
    return Tunings(default, settings.pulse_tuning)


def pileon_tuning_of(settings: Settings) -> PileOnTuning:
    return PileOnTuning(
        window_seconds=settings.pileon_window_seconds,
        min_authors=settings.pileon_min_authors,
        min_share=settings.pileon_min_share,
        baseline_factor=settings.pileon_baseline_factor,
        cooldown_windows=settings.pileon_cooldown_windows,
    )


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "pulse")
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    tallies = Tallies(redis, settings.windows, settings.pulse_samples)
    feedback = FeedbackBook(redis, settings.pulse_feedback_keep)
    pulse = handlers.Pulse(
        tallies, Detectors(redis), Sentiment(), tunings_of(settings), settings.windows[0],
        feedback, settings.pulse_feedback_queue, settings.pulse_post_budget_seconds, broker,
        PileOns(redis, settings.pileon_window_seconds), pileon_tuning_of(settings),
    )  # fmt: skip
    broker.include_router(handlers.router(settings))
    broker.context.set_global("pulse", pulse)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with consuming(settings, broker):
            stop = asyncio.Event()
            closing = asyncio.create_task(
                closer(pulse, settings.pulse_grace_seconds, settings.pulse_tick_seconds, stop),
                name="mood-windows",
            )
            yield
            stop.set()
            await asyncio.wait([closing], timeout=10)
        await redis.aclose()

    app = service_api("pulse", "0.1.0", settings, lifespan=lifespan)
    app.state.settings = settings
    app.state.feedback = feedback
    app.include_router(api.router)
    app.include_router(ops_router({"kafka": kafka_check(broker), "redis": redis_check(redis)}))
    app.include_router(
        asyncapi_router("pulse", app.version, broker, settings.kafka_bootstrap_servers)
    )
    return app
