"""A pile-on through the whole pipeline (4-second member windows in this stack): 40 accounts
reply to one member in a community with insults, over HTTP into ingest, scored by the offline
classifier, heard by pulse. The alert comes within two windows and an admin sees it on the
community's console page; under a policy with `shield.automatic` escalation shields the member,
so a new account's harmless reply to them is held for review while an old account's is not;
when the replies stop, the pile-on ends and the shield lifts. An admin also shields a member by
hand from the console, and lifts the shield."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from services.contracts import topics
from tests.conftest import Infra
from tests.e2e.conftest import (
    PILE_ON_WINDOW_SECONDS,
    WAIT_MS,
    Stack,
    accepted_batch,
    decision_of,
    screen,
    signed_in,
    wait_until_ingest_knows,
)
from tests.integration.helpers import bearer, collect, eventually, issue

pytestmark = pytest.mark.e2e

DEFAULT_POLICY = Path(__file__).parents[2] / "deploy" / "policies" / "default.yaml"
INSULTS = ["You are a pathetic idiot, nobody wants you here.",
           "Shut up, you stupid worthless clown.",
           "What a moronic take, you absolute fool."]  # fmt: skip
HARMLESS = "I think the referee decision was fair, to be honest."
MARKER = "quarantine"  # a rule of this test's policy holds it: shows the policy is in force
COMMUNITY = "matchday"


def shield_policy(tenant: str) -> str:
    text = DEFAULT_POLICY.read_text(encoding="utf-8").replace("id: default", f"id: pile-{tenant}")
    marker = (
        '\n  - id: marker\n    action: hold\n    clause: "Test: held"\n'
        f"    when: {{any_words: [{MARKER}]}}\n"
    )
    return text + marker + "shield:\n  automatic: true\n  hold_new_accounts_days: 7\n"


class Platform:
    def __init__(self, stack: Stack, infra: Infra, tenant: str) -> None:
        self.stack, self.infra, self.tenant = stack, infra, tenant

    async def headers(self) -> dict[str, str]:
        return await bearer(self.infra, self.tenant)

    async def send(self, items: list[dict]) -> list[str]:
        return await accepted_batch(self.stack.url("ingest"), await self.headers(), items)

    async def reply(self, author: str, text: str, age_days: int, to: str = "c-target") -> str:
        [post_id] = await self.send([{
            "external_id": uuid.uuid4().hex, "author_id": author, "text": text,
            "reply_to": to, "community": COMMUNITY, "author": {"account_age_days": age_days},
        }])  # fmt: skip
        return post_id

    async def decision(self, post_id: str) -> dict:
        return await decision_of(self.stack.url("gateway"), await self.headers(), post_id)

    async def on_topic(self, topic: str, until) -> list[dict]:
        return await collect(self.infra.kafka_bootstrap, topic, until=until,
                             match=lambda e: e.get("tenant") == self.tenant, timeout=90)  # fmt: skip


async def published(platform: Platform) -> None:
    token = await issue(platform.infra, platform.tenant, moderator=("lead", "admin"))
    async with httpx.AsyncClient(timeout=30, headers={"authorization": f"Bearer {token}"}) as c:
        answer = await c.put(f"{platform.stack.url('desk')}/v1/admin/policies",
                             json={"text": shield_policy(platform.tenant)})  # fmt: skip
    assert answer.status_code == 202, answer.text

    async def in_force() -> bool:
        [post_id] = await platform.send([{"external_id": uuid.uuid4().hex, "author_id": "checker",
                                          "text": f"a {MARKER} check"}])  # fmt: skip
        return (await platform.decision(post_id))["action"] == "hold"

    assert await eventually(in_force, timeout=60, interval=1)


def kinds(found: list[dict], target: str) -> list[str]:
    return [a["kind"] for a in found if a.get("target") == target]


async def community_page(browser: Browser, platform: Platform) -> Page:
    token = await issue(platform.infra, platform.tenant, moderator=("lead-2", "admin"))
    page = await signed_in(browser, platform.stack, token)
    await page.goto(f"{platform.stack.url('desk')}/console/#/pulse/{COMMUNITY}")
    return page


async def test_a_pile_on_raises_an_alert_and_shields_its_target_until_it_ends(
    stack: Stack, infra: Infra, tenant: str, browser: Browser
) -> None:
    platform = Platform(stack, infra, tenant)
    await asyncio.to_thread(wait_until_ingest_knows, stack.url("ingest"), await platform.headers())
    await published(platform)
    [parent] = await platform.send([{"external_id": "c-target", "author_id": "target",
                                     "community": COMMUNITY,
                                     "text": "Here is my review of last night's match."}])  # fmt: skip
    await platform.decision(parent)

    raid_at = time.time()
    await platform.send([
        {"external_id": f"raid-{n}", "author_id": f"raider-{n}", "text": INSULTS[n % 3],
         "reply_to": "c-target", "community": COMMUNITY, "author": {"account_age_days": 400}}
        for n in range(40)
    ])  # fmt: skip
    alerts = await platform.on_topic(
        topics.COMMUNITY_ALERTS, lambda f: "pile_on_started" in kinds(f, "target")
    )
    started = next(a for a in alerts if a.get("target") == "target")
    delay = datetime.fromisoformat(started["occurred_at"]).timestamp() - raid_at
    assert delay <= 2 * PILE_ON_WINDOW_SECONDS, f"alerted {delay:.1f} s after the raid began"
    assert started["authors"] >= 8 and started["rate"] >= 0.5 and started["samples"]
    assert started["community"] == COMMUNITY
    page = await community_page(browser, platform)
    alerts = page.get_by_role("region", name="Alerts")
    await expect(alerts.get_by_text("pile on started")).to_be_visible(timeout=WAIT_MS)
    await expect(alerts.locator("li.pile-on").first).to_contain_text("aimed at target")
    await expect(page.get_by_role("button", name="Shield target…")).to_be_visible()
    await screen(page, "35-pile-on-alert")
    shields = await platform.on_topic(topics.SHIELDS, lambda f: any(s["on"] for s in f))
    assert (
        shields
        and shields[0]["member"] == "target"
        and shields[0]["cause_id"] == started["event_id"]
    )
    await asyncio.sleep(1)  # every escalation replica replays the shields topic

    newcomer = await platform.decision(await platform.reply("newcomer", HARMLESS, age_days=1))
    regular = await platform.decision(await platform.reply("regular", HARMLESS, age_days=900))
    assert newcomer["action"] == "hold", newcomer
    assert [r["rule"] for r in newcomer["reasons"]] == ["pile-on-shield"]
    assert regular["action"] == "allow", regular

    ended = await platform.on_topic(
        topics.COMMUNITY_ALERTS, lambda f: "pile_on_ended" in kinds(f, "target")
    )
    assert kinds(ended, "target") == ["pile_on_started", "pile_on_ended"]
    lifted = await platform.on_topic(topics.SHIELDS, lambda f: len(f) >= 2)
    assert [s["on"] for s in lifted] == [True, False]
    await asyncio.sleep(1)
    after = await platform.decision(await platform.reply("newcomer-2", HARMLESS, age_days=1))
    assert after["action"] == "allow", after
    async with httpx.AsyncClient(timeout=30) as client:
        figures = (await client.get(f"{stack.url('pulse')}/metrics")).text
    assert 'pulse_community_alerts_total{kind="pile_on_started"}' in figures
    print(f"pile-on alerted {delay:.2f} s after the raid began")


async def test_an_admin_shields_a_member_by_hand_from_the_console_and_lifts_it(
    stack: Stack, infra: Infra, tenant: str, browser: Browser
) -> None:
    platform = Platform(stack, infra, tenant)
    await asyncio.to_thread(wait_until_ingest_knows, stack.url("ingest"), await platform.headers())
    [parent] = await platform.send([{"external_id": "c-quiet", "author_id": "quiet-one",
                                     "community": COMMUNITY, "text": "My match report."}])  # fmt: skip
    await platform.decision(parent)
    page = await community_page(browser, platform)
    shield = page.get_by_role("region", name="Shield a member")
    await shield.get_by_label("Member").fill("quiet-one")
    await shield.get_by_label("Reason").fill("Targeted after the match thread")
    await shield.get_by_role("button", name="Shield", exact=True).click()
    await expect(shield.get_by_text("quiet-one is shielded here")).to_be_visible(timeout=WAIT_MS)
    switched = await platform.on_topic(topics.SHIELDS, lambda f: any(s["on"] for s in f))
    assert (switched[0]["member"], switched[0]["community"]) == ("quiet-one", COMMUNITY)
    assert (switched[0]["source"], switched[0]["actor"]) == ("moderator", "lead-2")
    await asyncio.sleep(1)  # every escalation replica replays the shields topic

    held = await platform.decision(await platform.reply("fresh", HARMLESS, 1, to="c-quiet"))
    regular = await platform.decision(await platform.reply("old-hand", HARMLESS, 900, to="c-quiet"))
    assert held["action"] == "hold" and [r["rule"] for r in held["reasons"]] == ["pile-on-shield"]
    assert regular["action"] == "allow", regular

    await shield.get_by_role("button", name="Lift shield").click()
    await expect(shield.get_by_text("The shield over quiet-one is lifted")).to_be_visible(
        timeout=WAIT_MS
    )
    lifted = await platform.on_topic(topics.SHIELDS, lambda f: len(f) >= 2)
    assert [s["on"] for s in lifted] == [True, False]
    await asyncio.sleep(1)
    after = await platform.decision(await platform.reply("fresh-2", HARMLESS, 1, to="c-quiet"))
    assert after["action"] == "allow", after
