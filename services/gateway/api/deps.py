"""Dependencies for the gateway's routes: its stores from app state, and the calling platform
(how a key is read and checked is `services/shared/platforms.py`, shared with the desk)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from faststream.kafka import KafkaBroker

from services.contracts.credentials import Scope
from services.gateway import metrics
from services.gateway.adapters.classifier import ClassifierClient
from services.gateway.adapters.decisions import DecisionStore
from services.gateway.adapters.ingest import IngestClient
from services.gateway.adapters.posts import KnownPosts
from services.gateway.adapters.score_maps import ScoreMaps
from services.gateway.adapters.webhooks import DeliveryQueue, WebhookStore
from services.gateway.config import Settings
from services.shared.api import from_state
from services.shared.auth import AuthFailure
from services.shared.platforms import Platform
from services.shared.platforms import platform_auth as _platform_auth
from services.shared.targets import WebhookTargets

SettingsDep = Annotated[Settings, Depends(from_state("settings"))]
BrokerDep = Annotated[KafkaBroker, Depends(from_state("broker"))]
DecisionStoreDep = Annotated[DecisionStore, Depends(from_state("decisions"))]
KnownPostsDep = Annotated[KnownPosts, Depends(from_state("posts"))]
WebhookStoreDep = Annotated[WebhookStore, Depends(from_state("webhooks"))]
WebhookTargetsDep = Annotated[WebhookTargets, Depends(from_state("webhook_targets"))]
DeliveryQueueDep = Annotated[DeliveryQueue, Depends(from_state("deliveries"))]
ClassifierDep = Annotated[ClassifierClient, Depends(from_state("classifier"))]
IngestDep = Annotated[IngestClient, Depends(from_state("ingest"))]
ScoreMapsDep = Annotated[ScoreMaps, Depends(from_state("score_maps"))]


def platform_auth(scope: Scope, to_error: Callable[[AuthFailure], Exception] | None = None):
    return _platform_auth(scope, metrics.AUTH_FAILURES, to_error)


PlatformReader = Annotated[Platform, Depends(platform_auth(Scope.DECISIONS_READ))]
WebhookManager = Annotated[Platform, Depends(platform_auth(Scope.WEBHOOKS))]
ScoreMapManager = Annotated[Platform, Depends(platform_auth(Scope.SCORE_MAPS))]
