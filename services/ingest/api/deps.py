from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from faststream.kafka import KafkaBroker

from services.ingest.adapters.registry import PostRegistry
from services.ingest.config import Settings


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _broker(request: Request) -> KafkaBroker:
    return request.app.state.broker


def _registry(request: Request) -> PostRegistry:
    return request.app.state.registry


SettingsDep = Annotated[Settings, Depends(_settings)]
BrokerDep = Annotated[KafkaBroker, Depends(_broker)]
RegistryDep = Annotated[PostRegistry, Depends(_registry)]
