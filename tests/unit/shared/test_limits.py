"""Bodies are judged before any route parses them: size (declared or counted), and with
strict JSON, duplicate keys and lone surrogates. Errors take the API's shape under its path."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.shared.limits import BodyGuard


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"size": len(body)})


def client(strict: bool = True) -> httpx.AsyncClient:
    app = Starlette(
        routes=[
            Route("/small", echo, methods=["POST"]),
            Route("/big", echo, methods=["POST"]),
            Route("/other/x", echo, methods=["POST"]),
        ]
    )
    guarded = BodyGuard(
        app,
        limit=100,
        routes={"/big": 1000},
        shapes={"/other/": lambda status, code, message, fields: {"oops": [status, code]}},
        strict_json=strict,
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(guarded), base_url="http://t")


async def test_a_body_under_the_limit_reaches_the_route_whole() -> None:
    async with client() as http:
        answer = await http.post("/small", content=b'{"a": "' + b"x" * 80 + b'"}')
    assert answer.status_code == 200 and answer.json() == {"size": 89}


async def test_a_declared_length_over_the_limit_is_refused_with_413() -> None:
    async with client() as http:
        answer = await http.post("/small", content=b"x" * 101)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "body_too_large"
    assert "100 bytes" in answer.json()["error"]["message"]


async def test_a_chunked_body_is_counted_as_it_arrives() -> None:
    async def chunks():
        for _ in range(20):
            yield b"x" * 10

    async with client() as http:
        answer = await http.post("/small", content=chunks())
    assert answer.status_code == 413


async def test_a_route_has_its_own_limit() -> None:
    async with client(strict=False) as http:
        assert (await http.post("/big", content=b"x" * 900)).status_code == 200
        assert (await http.post("/big", content=b"x" * 1001)).status_code == 413


async def test_duplicate_keys_are_refused_naming_the_key() -> None:
    async with client() as http:
        answer = await http.post("/small", content=b'{"on": true, "on": false}')
    assert answer.status_code == 400
    assert (
        answer.json()["error"]["code"] == "duplicate_key"
        and "'on'" in answer.json()["error"]["message"]
    )


async def test_a_lone_surrogate_is_refused_naming_where() -> None:
    async with client() as http:
        answer = await http.post("/small", content=b'{"a": ["ok", "\\ud800"]}')
    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("body.a[1]")


async def test_a_surrogate_pair_is_text() -> None:
    async with client() as http:
        answer = await http.post("/small", content=b'{"a": "\\ud83d\\ude00"}')
    assert answer.status_code == 200


async def test_without_strict_json_the_route_judges_the_strings() -> None:
    async with client(strict=False) as http:
        answer = await http.post("/small", content=b'{"a": "\\ud800", "a": 1}')
    assert answer.status_code == 200


async def test_errors_take_the_shape_of_the_api_under_the_path() -> None:
    async with client() as http:
        answer = await http.post("/other/x", content=b"x" * 101)
    assert answer.status_code == 413 and answer.json() == {"oops": [413, "body_too_large"]}
