"""The seven services as real processes (`python -m services.<name>`) on the session's Kafka and Redis."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright, expect

from deploy.localstack import Service, free_port, service_env
from tests.conftest import Infra
from tests.integration.helpers import eventually
from tests.integration.mail import SMTP_PASSWORD, SMTP_USER

# the documentation site shows them (docs/moderators.md): each run of the tests retakes them
SHOTS = Path(
    os.environ.get("CONSOLE_SCREENSHOTS", Path(__file__).parents[2] / "docs" / "screenshots")
)
WAIT_MS = 45_000  # what a browser test waits for something to show
ORDER = ("classifier", "escalation", "gateway", "desk", "ingest", "pulse", "outreach")
WAVE_WINDOW_SECONDS = 3  # pulse's shortest window in this stack, so a wave shows in seconds
PILE_ON_WINDOW_SECONDS = 4  # a member's window of replies in this stack


@dataclass
class Stack:
    services: dict[str, Service]

    def url(self, name: str) -> str:
        return self.services[name].url

    @property
    def smtp_port(self) -> int:
        """Where outreach sends digests: a test starts its SMTP server there when it needs one."""
        return int(self.services["outreach"].env["SMTP_PORT"])

    @property
    def internal_headers(self) -> dict[str, str]:
        """What one service presents to another's internal API."""
        return {"Authorization": f"Bearer {self.services['gateway'].env['INTERNAL_TOKEN']}"}


@pytest.fixture(scope="package")  # stopped before the integration tests start their own apps
def stack(infra: Infra) -> Iterator[Stack]:
    ports = {name: free_port() for name in ORDER}
    env = {
        **service_env(infra.kafka_bootstrap, infra.redis_url, ports),
        "SHUTDOWN_GRACE_SECONDS": "10",
        "CLASSIFIER_MODEL": "offline",
        "KAFKA_LAG_SECONDS": "2",  # the observability test reads it within seconds
        "SLA_CHECK_SECONDS": "2",
        "PULSE_WINDOWS": f"{WAVE_WINDOW_SECONDS},60",
        # posts count in the window they were submitted in; on a loaded CI box they reach pulse
        # seconds later, and a window closed 0.5 s after its end dropped the wave as late
        "PULSE_GRACE_SECONDS": "2",
        "PULSE_TICK_SECONDS": "0.25",
        "PULSE_WARMUP_WINDOWS": "3",
        "PULSE_MIN_VOLUME": "10",
        "PULSE_COOLDOWN_WINDOWS": "2",
        "PILEON_WINDOW_SECONDS": str(PILE_ON_WINDOW_SECONDS),
        # digests by e-mail go to the test's SMTP server (tests/integration/mail.py), chat ones
        # to receivers on loopback; due ones are looked for every second
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(free_port()),
        "SMTP_USERNAME": SMTP_USER,
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "SMTP_VALIDATE_CERTS": "false",
        "SMTP_FROM": "pulse@example.com",
        "CHAT_ALLOW_HTTP": "true",
        "CHAT_ALLOW_PRIVATE": "true",
        "DIGEST_CHECK_SECONDS": "1",
        "DIGEST_BACKOFF_BASE_SECONDS": "0.5",
        "DIGEST_BACKOFF_MAX_SECONDS": "1",
        "REPORT_WINDOW_SECONDS": "60",  # the health report counts pulse's longer window here
    }
    services = {
        name: Service(name, infra.logs / f"{name}.log", port=ports[name], env=env) for name in ORDER
    }
    started = []
    try:
        for name in ORDER:
            services[name].start()
            started.append(services[name])
        yield Stack(services)
    finally:
        for service in reversed(started):
            service.stop(timeout=15)


def admin_cli(infra: Infra, *args: str) -> dict:
    """Run the desk's admin CLI as an operator would; its last line is JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "services.desk.cli", *args],
        env={**os.environ, **infra.env()},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def platform_headers(infra: Infra, tenant: str, stack: Stack) -> dict[str, str]:
    """A platform API key (all scopes) for this test's tenant, from the admin CLI, once ingest
    and the gateway have read it from the credentials topic."""
    token = admin_cli(infra, "keys", "create", "--tenant", tenant, "--name", "e2e")["token"]
    headers = {"authorization": f"Bearer {token}"}
    wait_until_ingest_knows(stack.url("ingest"), headers)
    wait_until_gateway_knows(stack.url("gateway"), headers)
    return headers


def wait_until_ingest_knows(ingest: str, headers: dict[str, str], timeout: float = 30) -> None:
    """An empty body passes authentication and fails validation (422) once the key is known."""
    deadline = time.monotonic() + timeout
    while True:
        status = httpx.post(f"{ingest}/v1/posts", json={}, headers=headers).status_code
        if status == 422:
            return
        assert status == 401 and time.monotonic() < deadline, f"ingest answered {status}"
        time.sleep(0.1)


def wait_until_gateway_knows(gateway: str, headers: dict[str, str], timeout: float = 30) -> None:
    """The feed answers 200 once the gateway has read the key from the credentials topic."""
    deadline = time.monotonic() + timeout
    while True:
        status = httpx.get(f"{gateway}/v1/decisions", headers=headers).status_code
        if status == 200:
            return
        assert status == 401 and time.monotonic() < deadline, f"the gateway answered {status}"
        time.sleep(0.1)


async def decision_of(gateway: str, headers: dict[str, str], post_id: str) -> dict:
    """The post's decision view once it is decided (a minute at most)."""
    url = f"{gateway}/v1/posts/{post_id}/decision"
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:

        async def decided() -> dict | None:
            view = (await client.get(url)).json()
            return view if view.get("status") == "decided" else None

        found = await eventually(decided, timeout=60)
    assert found, f"no decision for {post_id}"
    return found


async def accepted_batch(ingest: str, headers: dict[str, str], items: list[dict]) -> list[str]:
    """The posts through `POST /v1/posts:batch`, every one accepted; their ids, in order."""
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        answer = await client.post(f"{ingest}/v1/posts:batch", json={"posts": items})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert all(r["status"] == "accepted" for r in results), results
    return [r["post_id"] for r in results]


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    assert found, "the console tests need Debian's chromium (make test installs it as root)"
    return found


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        await launched.close()


async def signed_in(browser: Browser, stack: Stack, token: str) -> Page:
    """A console page signed in with the token, on the Queues page."""
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await page.goto(f"{stack.url('desk')}/console/")
    await page.get_by_label("Moderator token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    return page


async def screen(page: Page, name: str) -> None:
    """Screenshot the screen and hold it to axe-core: no serious or critical violation."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    results = await Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"
