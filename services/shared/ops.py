"""/healthz, /readyz and /metrics, the same on every service."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.shared.metrics import DEPENDENCY_UP

ReadinessCheck = Callable[[], Awaitable[bool]]
READY = {"status": "ready", "checks": {"kafka": True, "redis": True}}
NOT_READY = {"status": "not_ready", "checks": {"kafka": False, "redis": True}}


def ops_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    """Liveness says the process answers; readiness says every dependency answers right now."""
    router = APIRouter(tags=["operations"])

    @router.get(
        "/healthz",
        summary="Liveness",
        responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}},
    )
    async def healthz() -> dict[str, str]:
        """The process answers (it says nothing about Kafka or Redis: see /readyz)."""
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Readiness: Kafka and Redis connections are up",
        responses={
            200: {"description": "Ready", "content": {"application/json": {"example": READY}}},
            503: {
                "description": "A dependency does not answer: take this replica out of rotation",
                "content": {"application/json": {"example": NOT_READY}},
            },
        },
    )
    async def readyz() -> JSONResponse:
        """Every dependency of this service answers now (each check has 2 s)."""
        results = await asyncio.gather(*(_safe(check) for check in checks.values()))
        status = dict(zip(checks, results, strict=True))
        ready = all(status.values())
        body = {"status": "ready" if ready else "not_ready", "checks": status}
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        # Readiness as a metric too, so an alert sees what the orchestrator's probe sees.
        results = await asyncio.gather(*(_safe(check) for check in checks.values()))
        for name, ok in zip(checks, results, strict=True):
            DEPENDENCY_UP.labels(name).set(1 if ok else 0)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _safe(check: ReadinessCheck) -> bool:
    try:
        return bool(await asyncio.wait_for(check(), timeout=2.0))
    except Exception:
        return False


def redis_check(redis) -> ReadinessCheck:
    async def check() -> bool:
        return bool(await redis.ping())

    return check


def kafka_check(broker) -> ReadinessCheck:
    async def check() -> bool:
        return bool(await broker.ping(timeout=1.5))

    return check
