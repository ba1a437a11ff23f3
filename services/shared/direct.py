"""A direct lane for a service's hottest routes, past FastAPI's router and dependency solving.

Ingest's `POST /v1/posts` spent more CPU in FastAPI and Starlette (routing, dependency solving,
the exception and exit-stack layers) than in its own work. A route in the lane keeps its
FastAPI declaration (OpenAPI, docs, the reference behaviour) and is answered here for the
common case only: the handler gets the body and headers and either answers or declines
(None), and a declined request goes on to the FastAPI route with its body replayed. So every
invalid body, non-JSON content type or other odd case is answered by FastAPI exactly as before;
the lane answers only what it can answer the same way.

The lane sits inside the request metrics and the body guard (sizes are refused before it), and
answers an ApiError in our JSON shape as the exception handlers do.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse, Response

from services.shared.auth import token_sent
from services.shared.errors import ApiError, error_body
from services.shared.limits import read_body, replay

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Template:
    """What the metrics label a request with: the route's path template."""

    path: str


@dataclass
class DirectRequest:
    scope: dict[str, Any]
    body: bytes
    _headers: dict[bytes, bytes] | None = field(default=None, repr=False)

    def header(self, name: bytes) -> str | None:
        """A header's value by its lower-case name; the first one sent wins, as in Starlette."""
        if self._headers is None:
            self._headers = dict(reversed(self.scope["headers"]))
        value = self._headers.get(name)
        return None if value is None else value.decode("latin-1")

    def query(self, name: str) -> str | None:
        """A query parameter; the last one sent wins, as in Starlette."""
        raw = self.scope.get("query_string", b"")
        if not raw:
            return None
        return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True)).get(name)

    def token(self) -> str:
        """The credential sent, read as `services.shared.auth.presented_token` reads it."""
        return token_sent(self.header(b"authorization"), self.header(b"x-api-key"),
                          self.query("key"))  # fmt: skip

    def json_body(self) -> bool:
        """Whether FastAPI would read this body as JSON (its content type says so)."""
        kind = (self.header(b"content-type") or "").split(";")[0].strip().lower()
        return kind == "application/json" or (
            kind.startswith("application/") and kind.endswith("+json")
        )


Handler = Callable[[DirectRequest], Awaitable[Response | None]]


class DirectRoutes:
    """ASGI middleware: (method, path) -> a handler that answers or declines."""

    def __init__(self, app: Any, routes: Mapping[tuple[str, str], Handler]) -> None:
        self.app, self.routes = app, dict(routes)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        handler = self.routes.get((scope.get("method", ""), scope.get("path", "")))
        if scope["type"] != "http" or handler is None:
            return await self.app(scope, receive, send)
        body, disconnected = await read_body(receive, 1 << 62)  # the body guard held its size
        try:
            answer = await handler(DirectRequest(scope, body))
        except ApiError as error:  # as `services.shared.errors` answers it
            content = error_body(error.code, error.message, error.details)
            answer = JSONResponse(content, status_code=error.status, headers=error.headers)
        except Exception:  # a bug: answered as the app's last-resort handler answers it
            log.exception("request failed", extra={"path": scope["path"]})
            message = "The server failed on this request; it has been logged."
            answer = JSONResponse(error_body("internal_error", message), status_code=500)
        if answer is None:
            return await self.app(scope, replay(body, disconnected, receive), send)
        scope["route"] = Template(scope["path"])
        await answer(scope, receive, send)


def json_answer(status: int, body: bytes) -> Response:
    """A body already encoded as JSON (by pydantic, say)."""
    return Response(body, status_code=status, media_type="application/json")
