"""escalation: applies the community's policy to scored posts and publishes Decisions."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI
from redis.asyncio import Redis

from services.escalation import handlers, sla, views
from services.escalation.adapters.cases import ActionLedger, CaseStore
from services.escalation.adapters.effects import State
from services.escalation.adapters.policies import PolicyBook
from services.escalation.adapters.reports import ReportBook
from services.escalation.adapters.state import DecisionLedger, StrikeLedger
from services.escalation.config import Settings
from services.shared.api import service_api
from services.shared.asyncapi import asyncapi_router
from services.shared.kafka import adopt_group_offsets, make_broker
from services.shared.lag import consuming
from services.shared.ops import kafka_check, ops_router, redis_check


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "escalation")
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    book = PolicyBook(settings.policy_dir)
    reports = ReportBook(redis, int(settings.report_window_days * 86400))
    state = State(
        DecisionLedger(redis), StrikeLedger(redis), CaseStore(redis), ActionLedger(redis), reports
    )
    broker.include_router(handlers.router(settings))
    broker.context.set_global("escalation", views.Escalation(state, book))

    async def reload_policies(stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.policy_reload_seconds)
            book.reload()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # before the consumers start: the merged group starts where the old ones stopped
        adopt = partial(
            adopt_group_offsets, settings, handlers.COMMANDS_GROUP, handlers.LEGACY_GROUPS
        )
        async with consuming(settings, broker, before=adopt):
            stop = asyncio.Event()
            tasks = [
                asyncio.create_task(reload_policies(stop), name="policy-reload"),
                asyncio.create_task(
                    sla.sla_watch(
                        broker, state.cases, book, redis, settings.sla_check_seconds, stop
                    ),
                    name="sla-watch",
                ),
            ]
            yield
            stop.set()
            _, stuck = await asyncio.wait(tasks, timeout=10)
            for task in stuck:
                task.cancel()
        await redis.aclose()

    app = service_api("escalation", "0.2.0", settings, lifespan=lifespan)
    app.state.settings = settings
    app.state.policies = book
    app.state.cases = state.cases
    app.include_router(ops_router({"kafka": kafka_check(broker), "redis": redis_check(redis)}))
    app.include_router(
        asyncapi_router("escalation", app.version, broker, settings.kafka_bootstrap_servers)
    )
    return app
