"""Open-ended credentials and targets are closed: webhooks may not point at loopback,
link-local or metadata addresses (at registration or at delivery), and moderator tokens
expire. Real Kafka and Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from services.desk.main import create_app as create_desk
from services.gateway.main import create_app as create_gateway
from tests.conftest import Infra
from tests.integration.gateway.conftest import desk_settings, gateway_settings
from tests.integration.helpers import bearer, issue, running

pytestmark = pytest.mark.integration


@pytest.fixture
async def strict_gateway(infra: Infra, classifier_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway with the default deny list (private networks not allowed)."""
    settings = gateway_settings(infra, classifier_url, webhook_allow_private=False)
    async with running(create_gateway(settings)) as client:
        yield client


@pytest.fixture
async def desk_app(infra: Infra, gateway: str) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_desk(desk_settings(infra, gateway))) as client:
        yield client


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://localhost/hook",
        "http://10.0.0.7/hook",
        "http://[::ffff:169.254.169.254]/hook",
    ],
)
async def test_webhooks_into_denied_networks_are_refused_by_default(
    strict_gateway: httpx.AsyncClient, infra: Infra, tenant: str, url: str
) -> None:
    headers = await bearer(infra, tenant)
    answer = await strict_gateway.post("/v1/webhooks", json={"url": url}, headers=headers)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "webhook_target_refused" and error["details"][0]["field"] == "url"
    listed = await strict_gateway.get("/v1/webhooks", headers=headers)
    assert listed.json()["data"] == []  # nothing half written


async def test_an_expired_moderator_token_is_401(
    desk_app: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    token = await issue(infra, tenant, moderator=("shortlived", "admin"), hours=1 / 3600)
    headers = {"authorization": f"Bearer {token}"}
    await asyncio.sleep(1.2)
    answer = await desk_app.get("/v1/moderation/queues", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "token_expired"
    fresh = await bearer(infra, tenant, moderator=("longlived", "admin"))
    assert (await desk_app.get("/v1/moderation/queues", headers=fresh)).status_code == 200


async def test_admins_list_moderator_tokens_with_their_expiry(
    desk_app: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    admin = await bearer(infra, tenant, moderator=("chief", "admin"))
    made = await desk_app.post(
        "/v1/admin/moderators", json={"moderator_id": "sam", "valid_hours": 2}, headers=admin
    )
    assert made.status_code == 201, made.text
    listed = (await desk_app.get("/v1/admin/moderators", headers=admin)).json()["data"]
    sam = next(m for m in listed if m["moderator_id"] == "sam")
    assert sam["expires_at"] == made.json()["expires_at"] and sam["expires_at"]
    default = next(m for m in listed if m["moderator_id"] == "chief")
    assert default["expires_at"]  # every moderator token expires
