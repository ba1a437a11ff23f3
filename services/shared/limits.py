"""What every service refuses before a route parses a body.

- **Size.** A body over the limit is refused with 413 before it is parsed: without this an
  unauthenticated 50 MB POST was parsed whole (gateway RSS +140 MB per request). The declared
  `Content-Length` is judged first; a chunked body is counted as it arrives and dropped at the
  limit. Limits are per route where they must differ (ingest's batch).
- **Strict JSON** (`strict_json`, where no route answers per item): duplicate keys (which JSON
  parsers resolve silently and differently) and strings with a lone surrogate (valid escapes
  that no UTF-8 encoder takes) or a NUL are refused with 400 naming where.

A pure ASGI middleware rather than a FastAPI dependency: a dependency runs after the body is
read. Errors take the shape of the API under the path (`shapes`), else ours.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from services.contracts.text import unencodable_at
from services.shared.errors import ErrorShape, shape_for

Scope = dict[str, Any]


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class DuplicateKey(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(f"the key {key!r} appears twice in one object")
        found[key] = value
    return found


def check_json(body: bytes) -> None:
    """Refused (400) for a duplicate key or a lone surrogate; other parse errors are left to
    the route, which names them in its own way."""
    try:
        value = json.loads(body, object_pairs_hook=_pairs)
    except DuplicateKey as duplicate:
        raise Refused(400, "duplicate_key", str(duplicate)) from None
    except (ValueError, RecursionError):
        return
    where = unencodable_at(value, "body")
    if where is not None:
        raise Refused(400, "not_unicode", f"{where} holds a lone surrogate or a NUL")


class BodyGuard:
    def __init__(
        self,
        app: Any,
        limit: int,
        routes: Mapping[str, int] | None = None,
        shapes: Mapping[str, ErrorShape] | None = None,
        strict_json: bool = False,
    ) -> None:
        self.app, self.limit = app, limit
        self.routes, self.shapes = dict(routes or {}), dict(shapes or {})
        self.strict_json = strict_json

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            return await self.app(scope, receive, send)  # no body
        limit = self.routes.get(scope["path"], self.limit)
        try:
            if declared is not None and int(declared) > limit:
                raise Refused(413, "body_too_large", too_large(limit))
            body, disconnected = await read_body(receive, limit)
            if self.strict_json and body:
                check_json(body)
        except Refused as refused:
            return await self.refuse(scope, send, refused)
        except ValueError:
            return await self.refuse(scope, send, Refused(400, "bad_request", "bad Content-Length"))
        return await self.app(scope, replay(body, disconnected, receive), send)

    async def refuse(self, scope: Scope, send: Any, refused: Refused) -> None:
        shape = shape_for(scope["path"], self.shapes)
        content = json.dumps(shape(refused.status, refused.code, refused.message, None)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": refused.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(content)).encode()),
                    (b"connection", b"close"),  # the rest of an oversized body is not read
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})


def too_large(limit: int) -> str:
    return f"The request body is over this route's limit of {limit:,} bytes."


async def read_body(receive: Any, limit: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Refused(413, "body_too_large", too_large(limit))
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def replay(body: bytes, disconnected: bool, receive: Any) -> Any:
    sent = False

    async def again() -> dict[str, Any]:
        nonlocal sent
        if not sent and not disconnected:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then whatever comes next (a disconnect)

    return again
