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


# For APIs that mimic another's errors: (message, field errors) -> (status, body).
ValidationShape = Callable[[str, list[dict[str, Any]]], tuple[int, dict[str, Any]]]


def install_error_handlers(app: FastAPI, shapes: dict[str, ValidationShape] | None = None) -> None:
    """Our error shape everywhere, except under the path prefixes in `shapes`."""

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
        for prefix, shape in (shapes or {}).items():
            if request.url.path.startswith(prefix):
                status, body = shape(message, fields)
                return JSONResponse(body, status_code=status)
        if invalid_json:
            return JSONResponse(error_body("invalid_json", message, fields), status_code=400)
        return JSONResponse(error_body("invalid_request", message, fields), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)
