"""Run a service's FastAPI app under uvicorn; SIGTERM triggers a graceful shutdown."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from services.shared.logging import configure_logging
from services.shared.settings import ServiceSettings


def run(
    service: str, create_app: Callable[[ServiceSettings], FastAPI], settings: ServiceSettings
) -> None:
    configure_logging(service, settings.log_level)
    app = create_app(settings)
    # uvicorn stops accepting connections on SIGTERM, drains requests, then runs the lifespan
    # shutdown, where the broker stops consuming and waits for in-flight handlers.
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
    )
