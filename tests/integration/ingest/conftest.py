"""Ingest in-process on the session's real Kafka and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest
from tests.conftest import Infra
from tests.integration.helpers import running


@pytest.fixture(scope="package")
async def ingest(infra: Infra) -> AsyncIterator[httpx.AsyncClient]:
    settings = IngestSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url
    )
    async with running(create_ingest(settings)) as client:
        yield client
