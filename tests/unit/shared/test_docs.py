"""/docs and /redoc load every asset from the service itself, so they work air-gapped."""

from __future__ import annotations

import re

import httpx
import pytest

from services.gateway.config import Settings as GatewaySettings
from services.gateway.main import create_app as create_gateway
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
@pytest.mark.parametrize(
    "make", [lambda: create_gateway(GatewaySettings()), lambda: create_ingest(IngestSettings())]
)
async def test_docs_pages_load_nothing_from_another_origin(make, page: str) -> None:
    transport = httpx.ASGITransport(app=make())  # no lifespan: nothing but HTTP is needed
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        html = (await client.get(page)).text
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?['"]([^'"]+)['"]""", html)
        urls = [a or b for a, b in urls]
        assert urls and not [u for u in urls if "//" in u], urls
        for url in urls:
            assert (await client.get(url)).status_code == 200, url
