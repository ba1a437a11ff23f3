"""One JSON error shape for every HTTP API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.headers = headers


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(p) for p in e["loc"] if p != "body"),
            "problem": e["msg"],
            "type": e["type"],
        }
        for e in exc.errors()
    ]


# For APIs that mimic another's errors (Perspective's, OpenAI's), under a path prefix:
# (status, code, message, field errors or None) -> the body that API answers with.
ErrorShape = Callable[[int, str, str, list[dict[str, Any]] | None], dict[str, Any]]


def ours(_: int, code: str, message: str, fields: list[dict[str, Any]] | None) -> dict[str, Any]:
    return error_body(code, message, fields)


def shape_for(path: str, shapes: dict[str, ErrorShape] | None) -> ErrorShape:
    return next((s for p, s in (shapes or {}).items() if path.startswith(p)), ours)


def install_error_handlers(app: FastAPI, shapes: dict[str, ErrorShape] | None = None) -> None:
    """Our error shape everywhere, except under the path prefixes in `shapes`, whose APIs
    answer every error in their own shape (invalid requests as 400, as theirs do)."""

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details),
            status_code=exc.status,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = _field_errors(exc)
        invalid_json = any(f["type"] == "json_invalid" for f in fields)
        names = ", ".join(sorted({f["field"] or "body" for f in fields}))
        message = (
            "The request body is not valid JSON."
            if invalid_json
            else f"Invalid or missing fields: {names}."
        )
        shape = shape_for(request.url.path, shapes)
        status = 400 if invalid_json or shape is not ours else 422
        code = "invalid_json" if invalid_json else "invalid_request"
        return JSONResponse(shape(status, code, message, fields), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        shape = shape_for(request.url.path, shapes)
        return JSONResponse(
            shape(exc.status_code, code, str(exc.detail), None),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        """A bug, still answered as JSON in the API's own shape (and logged by the server)."""
        shape = shape_for(request.url.path, shapes)
        message = "The server failed on this request; it has been logged."
        return JSONResponse(shape(500, "internal_error", message, None), status_code=500)
