"""Metrics every service exports under the same names, so one dashboard and one set of alerts
fit all of them: HTTP requests per route (rate, errors, duration), dead letters by source topic
and reason, consumer lag per group and partition, and readiness."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by route template and status",
    ["service", "route", "method", "status"],
)
HTTP_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request (a stream counts until it closes)",
    ["service", "route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DEAD_LETTERS = Counter(
    "moderation_dead_letters_total",
    "Messages parked on the dead-letter topic, by the topic they came from and why",
    ["service", "source_topic", "reason"],
)
CONSUMER_LAG = Gauge(
    "kafka_consumer_lag",
    "Messages on the partition not yet committed by the consumer group",
    ["group", "topic", "partition"],
)
CONSUMER_LAG_CHECKED = Gauge(
    "kafka_consumer_lag_checked_timestamp_seconds",
    "When this process last read its consumer groups' lag",
)
DEPENDENCY_UP = Gauge(
    "moderation_dependency_up",
    "Whether a dependency (kafka, redis) answered at the last scrape: /readyz as a metric",
    ["dependency"],
)

UNMATCHED = "unmatched"  # any path no route serves: one series, whatever was asked for


class RequestMetrics:
    """ASGI middleware: counts and times every HTTP request by its route template (never the
    raw path, so ids in paths cannot blow up the series count)."""

    def __init__(self, app: Any, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def answer(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            route = route_of(scope)
            method = scope.get("method", "")
            HTTP_REQUESTS.labels(self.service, route, method, str(status)).inc()
            HTTP_SECONDS.labels(self.service, route, method).observe(time.perf_counter() - started)


def route_of(scope: dict) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or UNMATCHED
