"""The metrics every service shares: HTTP requests per route template, consumer lag from
offsets, and the accepted-to-decided latency."""

from __future__ import annotations

from datetime import timedelta

import httpx
from aiokafka import TopicPartition
from fastapi import HTTPException
from prometheus_client import REGISTRY

from services.contracts.events import utcnow
from services.escalation.metrics import observe_latency
from services.shared.api import service_api
from services.shared.lag import lag_of
from services.shared.metrics import UNMATCHED
from services.shared.settings import ServiceSettings


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def app_with_routes():
    app = service_api("metrics-test", "0", ServiceSettings())

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: str) -> dict:
        if thing_id == "missing":
            raise HTTPException(404)
        if thing_id == "boom":
            raise RuntimeError("a bug")
        return {"thing_id": thing_id}

    return app


async def call(app, path: str) -> int:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return (await client.get(path)).status_code


def requests(route: str, status: str) -> float:
    labels = {"service": "metrics-test", "route": route, "method": "GET", "status": status}
    return sample("http_requests_total", **labels)


async def test_requests_are_counted_by_route_template_and_status() -> None:
    app, route = app_with_routes(), "/v1/things/{thing_id}"
    before = {s: requests(route, s) for s in ("200", "404", "500")}
    assert [await call(app, f"/v1/things/{p}") for p in ("a", "b", "missing", "boom")] == [
        200,
        200,
        404,
        500,
    ]
    assert requests(route, "200") - before["200"] == 2
    assert requests(route, "404") - before["404"] == 1
    assert requests(route, "500") - before["500"] == 1
    timed = {"service": "metrics-test", "route": route, "method": "GET"}
    assert sample("http_request_duration_seconds_count", **timed) >= 4


async def test_paths_no_route_serves_share_one_series() -> None:
    app = app_with_routes()
    before = requests(UNMATCHED, "404")
    for path in ("/wp-admin", "/x/1", "/x/2"):
        assert await call(app, path) == 404
    assert requests(UNMATCHED, "404") - before == 3
    assert requests("/wp-admin", "404") == 0


def test_lag_is_what_the_group_has_not_committed() -> None:
    a, b, c = (TopicPartition("posts", p) for p in range(3))
    ends = {a: 100, b: 40, c: 7}
    found = lag_of("g", ends, committed={a: 90, b: 40, c: -1}, beginnings={a: 0, b: 0, c: 3})
    assert [(p.partition, p.lag) for p in found] == [(0, 10), (1, 0), (2, 4)]
    assert {p.group for p in found} == {"g"}


def test_lag_never_goes_negative() -> None:
    tp = TopicPartition("posts", 0)
    assert lag_of("g", {tp: 5}, {tp: 9}, {tp: 0})[0].lag == 0


def test_latency_is_observed_from_acceptance_and_skips_old_events() -> None:
    before = sample("moderation_post_to_decision_seconds_count")
    below = sample("moderation_post_to_decision_seconds_bucket", le="0.25")
    now = utcnow()
    observe_latency([now - timedelta(milliseconds=100), None, now - timedelta(seconds=3)], now)
    assert sample("moderation_post_to_decision_seconds_count") - before == 2
    assert sample("moderation_post_to_decision_seconds_bucket", le="0.25") - below == 1
