"""Answering members, on the running stack (real Kafka, Redis and services as processes) and in
a real browser: a community manager answers a complaint from the console, the case closes as
answered, and the platform's webhook receiver gets the reply once; a complaint left past its
response SLA escalates to the leads' queue; a theme of the digest is forwarded, marked fixed,
and each of its members gets one reply; an admin schedules digests that reach a real SMTP
server and a chat receiver.

The receiver listens on loopback, which the stack's gateway refuses as a webhook target (see
test_hardening.py); a second gateway, run as a platform on a private network would run it
(WEBHOOK_ALLOW_PRIVATE), delivers to it, from its own consumer group and Redis database.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from playwright.async_api import Browser, expect

from deploy.localstack import Service, free_port
from services.contracts.cases import case_id_for
from tests.conftest import Infra
from tests.e2e.conftest import (
    WAIT_MS,
    Stack,
    screen,
    signed_in,
    wait_until_gateway_knows,
    wait_until_ingest_knows,
)
from tests.integration.helpers import bearer, eventually, issue, reply_receiver, serving
from tests.integration.mail import mail_server

pytestmark = pytest.mark.e2e
COMPLAINT = "The new editor is broken and slow since the update, terrible"


@pytest.fixture(scope="module")
def private_gateway(stack: Stack, infra: Infra) -> Iterator[str]:
    base, _, db = infra.redis_url.rpartition("/")
    redis_url = f"{base}/{int(db) + 1}" if db.isdigit() else f"{infra.redis_url}/1"
    env = {**stack.services["gateway"].env, "WEBHOOK_ALLOW_PRIVATE": "true",
           "KAFKA_GROUP_ID": "moderation-gateway-private", "REDIS_URL": redis_url}  # fmt: skip
    gateway = Service("gateway", infra.logs / "gateway-private.log", port=free_port(), env=env)
    gateway.start()
    yield gateway.url
    gateway.stop(timeout=15)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[dict]]]:
    replies: list[dict] = []
    async with serving(reply_receiver(replies)) as url:
        yield f"{url}/hook", replies


async def complaint(stack: Stack, platform: dict[str, str], staff: dict[str, str]) -> str:
    """A civil complaint submitted to ingest, once the desk shows its case (the default
    policy routes it to the feedback queue)."""
    body = {"external_id": uuid.uuid4().hex, "author_id": "member-7", "text": COMPLAINT,
            "community": "help"}  # fmt: skip
    await asyncio.to_thread(wait_until_ingest_knows, stack.url("ingest"), platform)
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(f"{stack.url('ingest')}/v1/posts", json=body, headers=platform)
        assert answer.status_code == 202, answer.text
        case_id = case_id_for(answer.json()["post_id"])

        async def opened() -> dict | None:
            found = await client.get(f"{stack.url('desk')}/v1/moderation/cases/{case_id}",
                                     headers=staff)  # fmt: skip
            return found.json()["case"] if found.status_code == 200 else None

        assert await eventually(opened, timeout=60), "no case for the complaint"
    return case_id


async def test_a_complaint_answered_from_the_console_reaches_the_platform_once(
    browser: Browser, stack: Stack, infra: Infra, tenant: str, private_gateway: str, receiver
) -> None:
    hook_url, replies = receiver
    platform = await bearer(infra, tenant)
    await asyncio.to_thread(wait_until_gateway_knows, private_gateway, platform)
    async with httpx.AsyncClient(timeout=30) as client:
        made = await client.post(f"{private_gateway}/v1/webhooks", json={"url": hook_url},
                                 headers=platform)  # fmt: skip
        assert made.status_code == 201, made.text
        admin = await bearer(infra, tenant, moderator=("lead", "admin"))
        template = {"text": "Thanks for telling us about this in {community}: a fix is coming.",
                    "community": "help"}  # fmt: skip
        saved = await client.put(f"{stack.url('desk')}/v1/moderation/reply-templates/thanks",
                                 json=template, headers=admin)  # fmt: skip
        assert saved.status_code == 202, saved.text
    token = await issue(infra, tenant, moderator=("cm-ana", "community_manager"))
    case_id = await complaint(stack, platform, {"authorization": f"Bearer {token}"})
    page = await signed_in(browser, stack, token)
    await page.goto(f"{stack.url('desk')}/console/#/case/{case_id}")
    await expect(page.get_by_role("heading", name="Answer the member")).to_be_visible()
    template_choice = page.get_by_label("Template")
    await expect(template_choice.locator("option", has_text="thanks")).to_be_attached(
        timeout=WAIT_MS
    )
    await template_choice.select_option("thanks")
    reply = page.get_by_label("Reply, posted under the member's post by your staff account")
    await expect(reply).to_have_value("Thanks for telling us about this in help: a fix is coming.")
    await reply.fill("Thanks for telling us about this in help: the editor fix ships Monday.")
    await screen(page, "30-reply-to-a-complaint")
    await page.get_by_role("button", name="Send reply").click()
    await expect(
        page.get_by_text("Reply sent: the complaint is answered and closed.")
    ).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_text("Answered: the complaint is closed.")).to_be_visible()
    await screen(page, "31-complaint-answered")

    async def delivered() -> list[dict]:
        return replies

    sent = await eventually(delivered, timeout=60)
    await asyncio.sleep(2)  # a second delivery, were there one, would be in by now
    assert len(replies) == 1
    body = sent[0]["reply"]
    assert body["text"] == "Thanks for telling us about this in help: the editor fix ships Monday."
    assert body["author_id"] == "member-7" and body["community"] == "help"
    assert body["case_id"] == case_id and sent[0]["idempotency_key"] == body["reply_id"]
    async with httpx.AsyncClient(timeout=30) as client:
        detail = await client.get(f"{stack.url('desk')}/v1/moderation/cases/{case_id}",
                                  headers={"authorization": f"Bearer {token}"})  # fmt: skip
    case = detail.json()["case"]
    waited = datetime.fromisoformat(case["first_response_at"]) - datetime.fromisoformat(
        case["opened_at"]
    )
    print(
        f"time to first response, opened to answered in the console: {waited.total_seconds():.1f} s"
    )


COMPLAINTS_POLICY = """id: complaints-{tenant}
version: "1"
default_queue: feedback
queues:
  feedback: {{priority: 5, sla_minutes: 60, response_sla_minutes: 0.05, escalate_to: leads}}
  leads: {{priority: 4, sla_minutes: 60, response_sla_minutes: 60}}
rules:
  - id: civil
    action: allow
    queue: feedback
    when: {{any_words: [broken]}}
"""


async def test_a_complaint_left_past_its_response_sla_goes_to_the_leads(
    browser: Browser, stack: Stack, infra: Infra, tenant: str
) -> None:
    admin_token = await issue(infra, tenant, moderator=("lead", "admin"))
    admin = {"authorization": f"Bearer {admin_token}"}
    async with httpx.AsyncClient(timeout=30) as client:
        policy = {"text": COMPLAINTS_POLICY.format(tenant=tenant)}
        published = await client.put(f"{stack.url('desk')}/v1/admin/policies", json=policy,
                                     headers=admin)  # fmt: skip
        assert published.status_code == 202, published.text
    platform = await bearer(infra, tenant)
    await asyncio.sleep(2)  # escalation applies the published policy within moments
    case_id = await complaint(stack, platform, admin)
    page = await signed_in(browser, stack, admin_token)
    await page.goto(f"{stack.url('desk')}/console/#/queues/leads")
    await expect(page.get_by_role("heading", name="Cases in leads")).to_be_visible()
    # answered within 3 s, or the SLA watch (every 2 s here) moves it to the leads
    post = page.locator(f"a[href*='{case_id}']")
    await expect(post).to_be_visible(timeout=WAIT_MS)
    async with httpx.AsyncClient(timeout=30) as client:
        detail = await client.get(f"{stack.url('desk')}/v1/moderation/cases/{case_id}",
                                  headers=admin)  # fmt: skip
    trail = detail.json()["trail"]
    assert [(t["kind"], t["queue"]) for t in trail] == [
        ("opened", "feedback"),
        ("escalated", "leads"),
    ]
    assert trail[1]["reason"].startswith("SLA breached: unanswered past")


DARK_MODE = [  # four posts of civil criticism from three members, one theme
    ("ana", "The dark mode is unreadable at night, terrible"),
    ("bo", "Please fix dark mode, the contrast is awful"),
    ("cy", "dark mode hurts my eyes, disappointed"),
    ("cy", "dark mode is still awful, so disappointed"),
]


async def test_a_theme_forwarded_then_fixed_is_told_to_each_member_once(
    browser: Browser, stack: Stack, infra: Infra, tenant: str, private_gateway: str, receiver
) -> None:
    hook_url, replies = receiver
    platform = await bearer(infra, tenant)
    await asyncio.to_thread(wait_until_gateway_knows, private_gateway, platform)
    await asyncio.to_thread(wait_until_ingest_knows, stack.url("ingest"), platform)
    token = await issue(infra, tenant, moderator=("cm-ana", "community_manager"))
    staff = {"authorization": f"Bearer {token}"}
    desk = stack.url("desk")
    async with httpx.AsyncClient(timeout=30) as client:
        made = await client.post(f"{private_gateway}/v1/webhooks", json={"url": hook_url},
                                 headers=platform)  # fmt: skip
        assert made.status_code == 201, made.text
        for author, text in DARK_MODE:
            body = {"external_id": uuid.uuid4().hex, "author_id": author, "text": text,
                    "community": "help"}  # fmt: skip
            answer = await client.post(
                f"{stack.url('ingest')}/v1/posts", json=body, headers=platform
            )
            assert answer.status_code == 202, answer.text

        async def themed() -> bool:
            digest = await client.get(f"{desk}/v1/feedback/digest",
                                      params={"community": "help", "since": "7d"}, headers=staff)  # fmt: skip
            found = {t["theme"]: t["count"] for t in digest.json()["themes"]}
            return found.get("dark mode") == 4

        assert await eventually(themed, timeout=90), "pulse never grouped the dark mode theme"
    page = await signed_in(browser, stack, token)
    await page.goto(f"{desk}/console/#/pulse/help")
    digest = page.locator("#digest")
    await expect(digest.get_by_role("row", name=re.compile("dark mode"))).to_contain_text("new")
    for status, owner in (("forwarded", "maria"), ("fixed", "maria")):
        await page.get_by_role("button", name="Manage dark mode").click()
        await page.get_by_label("Status").select_option(status)
        await page.get_by_label("Owner on the product team").fill(owner)
        await page.get_by_label("Tracker link").fill("https://tracker.example/ED-41")
        await page.get_by_role("button", name="Save status").click()
        await expect(page.get_by_text(f"Saved: dark mode is {status}.")).to_be_visible()
        row = digest.get_by_role("row", name=re.compile("dark mode"))
        await expect(row).to_contain_text(f"{status} · {owner}", timeout=WAIT_MS)
    await page.get_by_role("button", name="Manage dark mode").click()
    await page.get_by_role("button", name="Preview").click()
    await expect(page.get_by_text("Reaches 3 of 3 members")).to_be_visible(timeout=WAIT_MS)
    await screen(page, "32-theme-fixed-preview")
    await page.get_by_role("button", name="Send to members").click()
    await expect(page.get_by_text("Sent to 3 members (0 already told).")).to_be_visible(
        timeout=WAIT_MS
    )

    async def delivered() -> bool:
        return len(replies) >= 3

    assert await eventually(delivered, timeout=60)
    await page.get_by_role("button", name="Send to members").click()  # again: no one twice
    await expect(page.get_by_text("Sent to 0 members (3 already told).")).to_be_visible(
        timeout=WAIT_MS
    )
    await page.get_by_role("link", name="Health report, last 7 days").click()
    await expect(
        page.get_by_role("heading", name=re.compile("Community health: help"))
    ).to_be_visible()
    themes_table = page.get_by_role("table", name="With the product team's status")
    await expect(themes_table.get_by_role("row", name=re.compile("dark mode"))).to_contain_text(
        "fixed"
    )
    await expect(page.get_by_role("img", name=re.compile("Posts per day"))).to_be_visible()
    await screen(page, "34-health-report")
    await asyncio.sleep(2)
    assert sorted(r["reply"]["author_id"] for r in replies) == ["ana", "bo", "cy"]
    assert {r["reply"]["theme"] for r in replies} == {"dark mode"}
    assert all("dark mode: it is fixed now" in r["reply"]["text"] for r in replies)


async def test_an_admin_schedules_digests_that_reach_the_mail_server_and_the_chat(
    browser: Browser, stack: Stack, infra: Infra, tenant: str, tmp_path
) -> None:
    calls: list[bytes] = []
    chat = FastAPI()

    @chat.post("/hooks/product")
    async def hook(request: Request) -> Response:
        calls.append(await request.body())
        return Response(status_code=200)

    mailbox, smtp = mail_server(tmp_path, stack.smtp_port)
    try:
        async with serving(chat) as chat_url:
            token = await issue(infra, tenant, moderator=("lead", "admin"))
            page = await signed_in(browser, stack, token)
            await page.goto(f"{stack.url('desk')}/console/#/admin")
            await expect(page.get_by_role("heading", name="Scheduled digests")).to_be_visible()
            for channel, to in (
                ("email", "product@example.com"),
                ("chat", f"{chat_url}/hooks/product"),
            ):
                await page.locator("#ds-community").fill("help")
                await page.locator("#ds-channel").select_option(channel)
                await page.get_by_label("E-mail addresses (comma-separated) or webhook URL").fill(
                    to
                )
                await page.get_by_label("Send the first one now").check()
                await page.get_by_role("button", name="Subscribe").click()
                await expect(page.get_by_text("Digest of help subscribed.")).to_be_visible()

            async def both() -> bool:
                return bool(mailbox.messages) and bool(calls)

            assert await eventually(both, timeout=60), "the digests never arrived"
            await page.get_by_role("button", name="Refresh").click()
            table = page.locator("#digest-subscriptions")
            await expect(table.get_by_text("sent", exact=False)).to_have_count(2, timeout=WAIT_MS)
            await screen(page, "33-scheduled-digests")
    finally:
        smtp.stop()
    ((sender, to, content),) = mailbox.messages
    assert (sender, to) == ("pulse@example.com", ["product@example.com"])
    assert "Subject: Feedback from help" in content
    assert len(calls) == 1 and b"Feedback from help" in calls[0]
