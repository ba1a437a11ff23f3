"""The direct lane's plumbing: what it declines goes on with its body intact, and what it
answers (an error, a bug) is answered in the API's JSON shape and counted under the route."""

from __future__ import annotations

import json

import pytest

from services.shared.auth import token_sent
from services.shared.direct import DirectRequest, DirectRoutes, json_answer
from services.shared.errors import ApiError


class Inner:
    """Stands in for FastAPI: records the body it was handed."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        message = await receive()
        self.bodies.append(message["body"])
        await json_answer(299, b"{}")(scope, receive, send)


async def call(app, body: bytes, headers=None) -> tuple[dict, list[dict]]:
    scope = {"type": "http", "method": "POST", "path": "/v1/x", "headers": headers or [],
             "query_string": b""}  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return scope, sent


async def test_a_declined_request_reaches_the_app_with_its_body() -> None:
    async def decline(_: DirectRequest):
        return None

    inner = Inner()
    scope, sent = await call(DirectRoutes(inner, {("POST", "/v1/x"): decline}), b'{"a": 1}')
    assert inner.bodies == [b'{"a": 1}'] and sent[0]["status"] == 299
    assert "route" not in scope  # FastAPI's router names it


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [(ApiError(409, "external_id_conflict", "taken"), 409, "external_id_conflict"),
     (KeyError("a bug"), 500, "internal_error")],
)  # fmt: skip
async def test_errors_are_answered_in_our_shape(raised, status, code) -> None:
    async def fail(_: DirectRequest):
        raise raised

    inner = Inner()
    scope, sent = await call(DirectRoutes(inner, {("POST", "/v1/x"): fail}), b"{}")
    assert inner.bodies == [] and sent[0]["status"] == status
    assert json.loads(sent[1]["body"])["error"]["code"] == code
    assert scope["route"].path == "/v1/x"


def test_the_token_is_read_as_fastapi_reads_it() -> None:
    assert token_sent("Bearer  mk_a.b ", "mk_c.d", None) == "mk_a.b"
    assert token_sent("bearer mk_a.b", None, None) == "mk_a.b"
    assert token_sent("Basic eA==", "mk_c.d", None) == "mk_c.d"
    assert token_sent("Bearer", None, "mk_q.q") == "mk_q.q"
    assert token_sent(None, None, None) == ""


def test_headers_first_wins_and_content_types() -> None:
    scope = {"headers": [(b"content-type", b"application/json; charset=utf-8"),
                         (b"content-type", b"text/plain")], "query_string": b"key=1&key=2"}  # fmt: skip
    request = DirectRequest(scope, b"")
    assert request.json_body() and request.query("key") == "2"
    assert not DirectRequest({"headers": []}, b"").json_body()
    vendor = DirectRequest({"headers": [(b"content-type", b"application/problem+json")]}, b"")
    assert vendor.json_body()
