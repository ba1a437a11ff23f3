"""The FastAPI application every service starts from: its docs pages (`/docs`, `/redoc`) load
Swagger UI and ReDoc from a package installed with the service, never from a CDN, so they work
on an air-gapped site."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline


def service_api(title: str, version: str, description: str = "", **kwargs: Any) -> FastAPI:
    return FastAPIOffline(
        title=title,
        version=version,
        description=description,
        static_url="/docs-assets",
        **kwargs,
    )
