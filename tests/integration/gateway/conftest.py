"""The gateway and the desk with what they talk to, on the session's real Kafka and Redis: the
classifier (offline model), the gateway, the desk and outreach served over HTTP, escalation
running in-process."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest

from services.classifier.app import create_app as create_classifier
from services.classifier.config import Settings as ClassifierSettings
from services.contracts import topics
from services.contracts.events import ModelInfo, Post, PostScored, post_id_for
from services.desk.config import Settings as DeskSettings
from services.desk.main import create_app as create_desk
from services.escalation.app import create_app as create_escalation
from services.escalation.config import REPO_POLICIES
from services.escalation.config import Settings as EscalationSettings
from services.gateway.config import Settings as GatewaySettings
from services.gateway.main import create_app as create_gateway
from services.outreach.config import Settings as OutreachSettings
from services.outreach.main import create_app as create_outreach
from tests.conftest import Infra
from tests.integration.helpers import produce, running, serving

MODEL = ModelInfo(id="test", version="1")
INTERNAL_TOKEN = "gateway-tests-internal"  # the classifier (and the gateway) admit callers with it


@pytest.fixture(scope="package")
async def classifier_url(infra: Infra) -> AsyncIterator[str]:
    settings = ClassifierSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        redis_url=infra.redis_url,
        classifier_model="offline",
        internal_token=INTERNAL_TOKEN,
    )
    async with serving(create_classifier(settings)) as url:
        yield url


@pytest.fixture(scope="package")
async def escalation(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[None]:
    folder = tmp_path_factory.mktemp("gateway-policies")
    shutil.copytree(REPO_POLICIES, folder, dirs_exist_ok=True)
    settings = EscalationSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url, policy_dir=folder
    )
    async with running(create_escalation(settings)):
        yield


def gateway_settings(infra: Infra, classifier_url: str, **overrides) -> GatewaySettings:
    return GatewaySettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        redis_url=infra.redis_url,
        classifier_url=classifier_url,
        internal_token=INTERNAL_TOKEN,
        webhook_max_attempts=4,
        webhook_backoff_base_seconds=0.1,
        webhook_backoff_max_seconds=0.5,
        webhook_poll_seconds=0.05,
        **{"webhook_allow_private": True, **overrides},  # the test receivers are on loopback
    )


@pytest.fixture(scope="package")
async def gateway(infra: Infra, classifier_url: str, escalation: None) -> AsyncIterator[str]:
    async with serving(create_gateway(gateway_settings(infra, classifier_url))) as url:
        yield url


def scored(tenant: str, external_id: str, scores: dict[str, float], **post) -> PostScored:
    fields = {"author_id": "a1", "text": f"text of {external_id}", **post}
    return PostScored(
        post=Post(
            post_id=post_id_for(tenant, external_id),
            tenant=tenant,
            external_id=external_id,
            **fields,
        ),
        scores=scores,
        model=MODEL,
    )


async def publish_scored(infra: Infra, *events: PostScored) -> None:
    """Straight onto the scored topic: escalation decides, the gateway materializes."""
    await produce(
        infra.kafka_bootstrap, topics.POSTS_SCORED, [e.model_dump_json().encode() for e in events]
    )


def desk_settings(infra: Infra, gateway_url: str, **overrides) -> DeskSettings:
    return DeskSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        redis_url=infra.redis_url,
        gateway_url=gateway_url,
        internal_token=INTERNAL_TOKEN,
        **overrides,
    )


@pytest.fixture(scope="package")
async def outreach(infra: Infra, gateway: str) -> AsyncIterator[str]:
    settings = OutreachSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        redis_url=infra.redis_url,
        gateway_url=gateway,
        internal_token=INTERNAL_TOKEN,
        reply_max_chars=500,
    )
    async with serving(create_outreach(settings)) as url:
        yield url


@pytest.fixture(scope="package")
async def desk(infra: Infra, gateway: str, outreach: str) -> AsyncIterator[str]:
    async with serving(create_desk(desk_settings(infra, gateway, outreach_url=outreach))) as url:
        yield url
