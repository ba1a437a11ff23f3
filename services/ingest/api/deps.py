from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from services.contracts.credentials import API_KEY_PREFIX, Scope
from services.ingest import metrics
from services.ingest.adapters.publisher import Publisher
from services.ingest.adapters.registry import PostRegistry
from services.ingest.config import Settings
from services.shared.auth import AuthFailure, PresentedToken, admit_key, credential_of
from services.shared.errors import ApiError
from services.shared.keys import PlatformKeys


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _publisher(request: Request) -> Publisher:
    return request.app.state.publisher


async def _registry(request: Request) -> PostRegistry:
    return request.app.state.registry


@dataclass(frozen=True)
class Platform:
    tenant: str
    key_id: str


async def _writer(request: Request, token: PresentedToken) -> Platform:
    return await writer_of(request.app.state, token)


async def writer_of(state: Any, token: str) -> Platform:
    """The platform whose key (with `posts:write`) signed this request."""
    keys: PlatformKeys = state.platform_keys
    settings: Settings = state.settings
    try:
        key = await credential_of(token, API_KEY_PREFIX, keys.get)
        await admit_key(
            key,
            Scope.POSTS_WRITE.value,
            state.rate_limiter,
            settings.default_rate_limit_per_minute,
        )
    except AuthFailure as failure:
        metrics.AUTH_FAILURES.labels(failure.code).inc()
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else None
        raise ApiError(failure.status, failure.code, failure.message, headers=headers) from None
    return Platform(key.tenant, key.credential_id)


SettingsDep = Annotated[Settings, Depends(_settings)]
PublisherDep = Annotated[Publisher, Depends(_publisher)]
RegistryDep = Annotated[PostRegistry, Depends(_registry)]
PostWriter = Annotated[Platform, Depends(_writer)]


def unavailable(message: str, settings: Settings) -> ApiError:
    """503: Kafka did not take it; nothing was accepted, and the platform may retry soon."""
    return ApiError(
        503, "unavailable", message, headers={"Retry-After": str(settings.retry_after_seconds)}
    )
