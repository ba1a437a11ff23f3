"""The FastAPI application every service starts from.

- Its docs pages (`/docs`, `/redoc`) load Swagger UI and ReDoc from a package installed with
  the service, never from a CDN, so they work on an air-gapped site.
- Its OpenAPI document names each operation for people: an operation without a summary of its
  own takes the first sentence of its description (the route's docstring) instead of its
  function's name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi_offline import FastAPIOffline

from services.shared.direct import DirectRoutes, Handler
from services.shared.errors import ErrorShape, install_error_handlers
from services.shared.limits import BodyGuard
from services.shared.metrics import RequestMetrics
from services.shared.settings import ServiceSettings

# FastAPI's own OpenTelemetry hooks look up the providers, through os.environ, on every request
# (5 % of ingest's CPU per post); the services export Prometheus metrics instead.
NO_TELEMETRY: Any = {"tracing": False, "metrics": False, "logs": False}
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)", re.S)


def service_api(
    service: str,
    version: str,
    settings: ServiceSettings,
    description: str = "",
    body_limits: dict[str, int] | None = None,
    error_shapes: dict[str, ErrorShape] | None = None,
    strict_json: bool = True,
    direct: Mapping[tuple[str, str], Handler] | None = None,
    **kwargs: Any,
) -> FastAPI:
    """The app of one service (`gateway`, `ingest`, ...), titled `moderation <service>`, with its
    HTTP requests counted and timed per route (`services.shared.metrics`), bodies held to
    `MAX_BODY_BYTES` (or a route's own limit in `body_limits`) before they are parsed
    (`services.shared.limits`), and every error answered as JSON in our shape, or in the shape
    of the API under a prefix of `error_shapes` (`services.shared.errors`). `direct`: routes
    answered past FastAPI's router when they can be (`services.shared.direct`)."""
    title = f"moderation {service}"
    app = FastAPIOffline(title=title, version=version, description=description,
                         static_url="/docs-assets", telemetry=NO_TELEMETRY, **kwargs)  # fmt: skip
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = summarized(plain())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    if direct:
        app.add_middleware(DirectRoutes, routes=direct)
    app.add_middleware(
        BodyGuard,
        limit=settings.max_body_bytes,
        routes=body_limits,
        shapes=error_shapes,
        strict_json=strict_json,
    )
    app.add_middleware(RequestMetrics, service=service)
    install_error_handlers(app, error_shapes)
    return app


def summarized(schema: dict[str, Any]) -> dict[str, Any]:
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            description = operation.get("description", "")
            if description and operation.get("summary") == _generated(path, method, operation):
                operation["summary"] = first_sentence(description)
    return schema


def _generated(path: str, method: str, operation: dict[str, Any]) -> str:
    """The summary FastAPI makes up from the function's name ("Submit Post"): the operation id
    is that name, then the path and the method, with every non-word character as `_`."""
    suffix = re.sub(r"\W", "_", path) + "_" + method
    name = operation.get("operationId", "").removesuffix(suffix)
    return name.replace("_", " ").title()


def first_sentence(text: str) -> str:
    line = " ".join(text.strip().split("\n\n")[0].split())
    found = _FIRST_SENTENCE.match(line)
    sentence = (found.group(1) if found else line).rstrip(".")
    return sentence if len(sentence) <= 120 else sentence[:117].rstrip() + "..."


def from_state(name: str):
    """A dependency: what `create_app` put in the app's state under `name` (routes never reach
    into the state themselves)."""

    async def get(request: Request):
        return getattr(request.app.state, name)

    return get
