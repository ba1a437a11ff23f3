"""desk: where moderators, admins and community managers work. Queues, cases, appeals and
search; the console; keys and moderators; policies with dry runs and backtests; crisis
switches; the community pulse views and the feedback digest; and, handed on to outreach,
replies to members. (Platforms use the gateway.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis

from services.contracts import topics
from services.desk import handlers
from services.desk.adapters.backends import Backend
from services.desk.adapters.cases import CaseBoard
from services.desk.adapters.communities import Communities
from services.desk.adapters.credentials import Credentials, CredentialStore
from services.desk.adapters.decisions import DecisionLedger, DecisionsUnavailable
from services.desk.adapters.policies import PolicyRegistry
from services.desk.adapters.sessions import ConsoleSessions
from services.desk.api.routes import (
    admin,
    backends,
    bulk,
    cases,
    communities,
    golden,
    policies,
    reporters,
)
from services.desk.api.routes.console import install_console
from services.desk.config import Settings
from services.shared.api import service_api
from services.shared.asyncapi import asyncapi_router
from services.shared.errors import error_body
from services.shared.kafka import make_broker, publish_for_tenant
from services.shared.lag import consuming
from services.shared.ops import kafka_check, ops_router, redis_check
from services.shared.ratelimit import RateLimiter


def create_app(settings: Settings) -> FastAPI:
    broker = make_broker(settings, "desk")
    redis = Redis.from_url(
        settings.redis_url, decode_responses=True, max_connections=settings.redis_max_connections
    )
    board, moods = CaseBoard(redis), Communities(redis)
    credential_store, registry = CredentialStore(redis), PolicyRegistry(redis)
    broker.include_router(handlers.router(settings))
    broker.context.set_global("desk", handlers.Views(board, moods, credential_store, registry))
    internal = settings.internal_token.get_secret_value() if settings.internal_token else None
    pulse = Backend("pulse", settings.pulse_url, settings.pulse_timeout_seconds, internal)
    outreach = Backend(
        "outreach", settings.outreach_url, settings.outreach_timeout_seconds, internal
    )
    decisions = DecisionLedger(settings.gateway_url, settings.gateway_timeout_seconds, internal)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with consuming(settings, broker):
            yield
        await pulse.aclose()
        await outreach.aclose()
        await decisions.aclose()
        await redis.aclose()

    app = service_api("desk", "0.4.0", settings, lifespan=lifespan)
    app.state.__dict__.update(
        settings=settings,
        broker=broker,
        cases=board,
        communities=moods,
        credential_store=credential_store,
        credentials=Credentials(
            credential_store, partial(publish_for_tenant, broker, topics.CREDENTIALS)
        ),
        # platform keys with `pulse:read` read the community views: the credential store
        # holds them beside the moderator tokens
        platform_keys=credential_store,
        rate_limiter=RateLimiter(redis, "desk"),
        decisions=decisions,
        pulse=pulse,
        outreach=outreach,
        policy_registry=registry,
        console_sessions=ConsoleSessions(redis, settings.console_session_hours * 3600),
    )
    install_unavailable(app)
    for module in (bulk, cases, admin, policies, communities, reporters, golden):
        app.include_router(module.router)
    app.include_router(backends.feedback)
    app.include_router(backends.outreach)
    app.include_router(admin.moderators)
    app.include_router(communities.admin)
    install_console(app)
    app.include_router(ops_router({"kafka": kafka_check(broker), "redis": redis_check(redis)}))
    app.include_router(
        asyncapi_router("desk", app.version, broker, settings.kafka_bootstrap_servers)
    )
    return app


def install_unavailable(app: FastAPI) -> None:
    """Case views, dry runs and backtests read the gateway's decisions: while it does not
    answer, they answer 503 (retry), never an empty history."""

    @app.exception_handler(DecisionsUnavailable)
    async def decisions_unavailable(_: Request, exc: DecisionsUnavailable) -> JSONResponse:
        body = error_body("decisions_unavailable", f"The decisions are unavailable: {exc}")
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})
