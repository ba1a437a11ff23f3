"""The moderator console in a real browser (Debian's chromium, driven by Playwright) against
the four services as processes on real Kafka and Redis, with the offline classifier.

Every screen is screenshotted into docs/screenshots/ (the moderators' guide shows them) and
checked with axe-core: no serious or critical violations.
"""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from services.contracts import topics
from services.contracts.cases import case_id_for
from tests.conftest import Infra
from tests.e2e.conftest import WAIT_MS, Stack, screen, wait_until_ingest_knows
from tests.integration.helpers import bearer, collect, eventually, issue

pytestmark = pytest.mark.e2e

# Posts with the word "quarantine" are held in the review queue, whatever the model scores:
# the tests need to know which posts become cases.
POLICY = """id: console-{tenant}
version: "1"
default_queue: review
queues:
  review: {{priority: 1, sla_minutes: 30}}
  senior: {{priority: 0, sla_minutes: 15}}
rules:
  - id: quarantine-word
    action: hold
    queue: review
    clause: "Test rule 1: held for review"
    when: {{any_words: [quarantine]}}
golden: {{every: 1}}
"""
BROKEN = """id: broken
version: "1"
rules:
  - id: r1
    action: hold
    clause: "x"
    when: {scores: {toxicity: 0.5}}
    colour: blue
"""


class Community:
    """A tenant of its own with a policy that holds known posts, and its people."""

    def __init__(self, stack: Stack, infra: Infra, tenant: str) -> None:
        self.stack, self.infra, self.tenant = stack, infra, tenant
        self.gateway, self.ingest = stack.url("gateway"), stack.url("ingest")
        self.desk = stack.url("desk")

    async def token(self, moderator_id: str, role: str) -> str:
        return await issue(self.infra, self.tenant, moderator=(moderator_id, role))

    async def platform(self) -> dict[str, str]:
        return await bearer(self.infra, self.tenant)

    async def publish_policy(self) -> None:
        admin = {"authorization": f"Bearer {await self.token('boss', 'admin')}"}
        async with httpx.AsyncClient(base_url=self.desk, timeout=30) as client:
            body = {"text": POLICY.format(tenant=self.tenant)}
            answer = await client.put("/v1/admin/policies", json=body, headers=admin)
            assert answer.status_code == 202, answer.text
        # escalation applies it within moments: wait until a probe post is held by it
        probe = await self.submit("probe quarantine")
        assert await self.decision_of(probe, lambda d: d["action"] == "hold", timeout=60)

    async def submit(self, text: str, author: str = "member-1", **conversation: str) -> str:
        """`conversation`: `external_id`, `reply_to`, `thread_id` if wanted."""
        body = {"tenant": self.tenant, "external_id": uuid.uuid4().hex, "author_id": author,
                "text": text, "community": "general", **conversation}  # fmt: skip
        headers = await self.platform()
        await asyncio.to_thread(wait_until_ingest_knows, self.ingest, headers)
        async with httpx.AsyncClient(timeout=30, headers=headers) as client:
            answer = await client.post(f"{self.ingest}/v1/posts", json=body)
        assert answer.status_code == 202, answer.text
        return answer.json()["post_id"]

    async def decision_of(self, post_id: str, until=lambda d: True, timeout: float = 45) -> dict:
        headers = await self.platform()
        async with httpx.AsyncClient(base_url=self.gateway, timeout=30) as client:

            async def decided():
                view = (await client.get(f"/v1/posts/{post_id}/decision", headers=headers)).json()
                return view if view.get("status") == "decided" and until(view) else None

            return await eventually(decided, timeout=timeout, interval=0.3)

    async def held(self, text: str, author: str = "member-1", **conversation: str) -> str:
        """A post that became a case in the review queue, once the desk shows the case."""
        post_id = await self.submit(f"{text} quarantine", author, **conversation)
        token = await self.token("watcher", "triage")
        async with httpx.AsyncClient(base_url=self.desk, timeout=30) as client:

            async def case_open():
                answer = await client.get(
                    f"/v1/moderation/cases/{case_id_for(post_id)}",
                    headers={"authorization": f"Bearer {token}"},
                )
                return answer.status_code == 200

            assert await eventually(case_open, timeout=60), f"no case for {post_id}"
        return post_id

    async def api(self, token: str, method: str, path: str, **body) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.desk, timeout=30) as client:
            return await client.request(
                method, path, json=body or None, headers={"authorization": f"Bearer {token}"}
            )


@pytest.fixture
async def community(stack: Stack, infra: Infra, tenant: str) -> Community:
    found = Community(stack, infra, tenant)
    await found.publish_policy()
    return found


async def signed_in(
    browser: Browser, community: Community, token: str
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{community.desk}/console/")
    await page.get_by_label("Moderator token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    return context, page


async def open_case(
    browser: Browser, community: Community, token: str, post_id: str
) -> tuple[BrowserContext, Page]:
    """Signed in with `token`, on the case of `post_id`."""
    context, page = await signed_in(browser, community, token)
    await page.goto(f"{community.desk}/console/#/case/{case_id_for(post_id)}")
    return context, page


async def test_signing_in_sets_a_session_cookie_and_signing_out_ends_it(
    browser: Browser, community: Community
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{community.desk}/")  # the desk's root leads to the console
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await screen(page, "01-sign-in")
    await page.get_by_label("Moderator token").fill("mt_nope.nope")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("not valid")
    await page.get_by_label("Moderator token").fill(await community.token("mo1", "moderator"))
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Queues")).to_be_visible()
    (cookie,) = [c for c in await context.cookies() if c["name"] == "console_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert await page.evaluate("Object.keys(localStorage).length") == 0
    assert "console_session" not in await page.evaluate("document.cookie")
    await page.reload()  # the session outlives the page
    await expect(page.get_by_text("mo1 · moderator")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    answer = await page.evaluate("fetch('/v1/moderation/queues').then(r => r.status)")
    assert answer == 401
    await context.close()


async def test_a_held_post_appears_in_its_queue_without_a_reload(
    browser: Browser, community: Community
) -> None:
    context, page = await signed_in(browser, community, await community.token("mo1", "moderator"))
    await page.goto(f"{community.desk}/console/#/queues/review")
    await expect(page.get_by_role("heading", name="Cases in review")).to_be_visible()
    post_id = await community.submit("the new release broke my saves quarantine")
    await expect(page.get_by_role("link", name=post_id)).to_be_visible(timeout=WAIT_MS)
    row = page.locator("tr[data-queue=review]")
    await expect(row).to_be_visible()
    await screen(page, "02-queues")
    await context.close()


async def test_next_case_then_approve_by_keyboard_revises_the_decision(
    browser: Browser, community: Community
) -> None:
    await community.held("you are all clowns")
    context, page = await signed_in(browser, community, await community.token("mo1", "moderator"))
    await page.goto(f"{community.desk}/console/#/queues/review")
    await expect(page.get_by_role("heading", name="Cases in review")).to_be_visible()
    await page.keyboard.press("n")  # Next case: claims the top of the queue for me
    await expect(page.get_by_text("held by mo1")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_role("list", name="Scores")).to_be_visible()
    await expect(page.get_by_text("quarantine-word").first).to_be_visible()
    await expect(page.get_by_text("Policy console-")).to_be_visible()
    await expect(page.get_by_role("timer")).to_contain_text("left")
    await screen(page, "03-case")
    await page.keyboard.press("?")
    await expect(page.get_by_role("dialog")).to_contain_text("Approve")
    await screen(page, "04-shortcuts")
    await page.keyboard.press("Escape")
    case_heading = await page.get_by_role("heading", level=1).text_content()
    await page.keyboard.press("a")  # choose Approve; focus moves to the reason
    await page.keyboard.type("civil enough")
    await page.keyboard.press("Control+Enter")
    await expect(page.get_by_text("Resolved: allow")).to_be_visible(timeout=WAIT_MS)
    approved = case_heading.removeprefix("Case ").strip()
    decision = await community.decision_of(approved, lambda d: d["revision"] == 1)
    assert decision and decision["action"] == "allow" and decision["decided_by"] == "mo1"
    await expect(page.get_by_text("by mo1").first).to_be_visible()
    # resolved cases are found by search
    await page.keyboard.press("/")
    await page.get_by_label("Post id").fill(approved)
    await page.get_by_label("State").select_option("resolved")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_role("link", name=approved)).to_be_visible()
    await screen(page, "05-search")
    await context.close()


async def test_two_moderators_pressing_next_case_at_once_get_different_cases(
    browser: Browser, community: Community
) -> None:
    for text in ("first of two", "second of two"):
        await community.held(text)
    (ctx_a, a), (ctx_b, b) = [
        await signed_in(browser, community, await community.token(m, "moderator"))
        for m in ("mo1", "mo2")
    ]
    for page in (a, b):
        await page.goto(f"{community.desk}/console/#/queues/review")
        await expect(page.get_by_role("button", name="Next case in review")).to_be_visible()
    await asyncio.gather(
        *(p.get_by_role("button", name="Next case in review").click() for p in (a, b))
    )
    await expect(a.get_by_text("held by mo1")).to_be_visible(timeout=WAIT_MS)
    await expect(b.get_by_text("held by mo2")).to_be_visible(timeout=WAIT_MS)
    assert a.url != b.url
    await b.goto(a.url)  # the case mo1 holds: mo2 may not act on it
    await expect(b.get_by_text("Held by mo1.")).to_be_visible()
    assert await b.get_by_role("button", name="Approve").count() == 0
    await ctx_a.close()
    await ctx_b.close()


async def test_triage_sees_no_remove_and_a_forged_remove_is_refused(
    browser: Browser, community: Community
) -> None:
    post_id = await community.held("blurred and rude, idiot, you stupid moron quarantine")
    token = await community.token("tri", "triage")
    context, page = await open_case(browser, community, token, post_id)
    await page.get_by_role("button", name="Claim").click()
    await expect(page.get_by_text("held by tri")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_role("button", name="Label")).to_be_visible()
    assert await page.get_by_role("button", name="Remove").count() == 0
    assert await page.get_by_role("button", name="Approve").count() == 0
    await screen(page, "06-case-triage")
    forged = """async (caseId) => {
      const me = await (await fetch('/console/session')).json();
      const send = (headers) => fetch(`/v1/moderation/cases/${caseId}/actions`, {
        method: 'POST', headers: {'Content-Type': 'application/json', ...headers},
        body: JSON.stringify({action: 'remove', reason: 'forged'})});
      const withToken = await send({'X-CSRF-Token': me.csrf_token});
      const without = await send({});
      return [withToken.status, without.status, (await without.json()).error.code];
    }"""
    assert await page.evaluate(forged, case_id_for(post_id)) == [403, 403, "csrf_failed"]
    await context.close()


async def test_toxic_text_starts_blurred_and_is_revealed_by_key(
    browser: Browser, community: Community
) -> None:
    post_id = await community.held("you stupid worthless idiot, shut up you moron")
    token = await community.token("mo1", "moderator")
    detail = await community.api(token, "GET", f"/v1/moderation/cases/{case_id_for(post_id)}")
    top = max(detail.json()["scores"].values())
    assert top >= 0.8, f"the offline model scored this {top}: pick a ruder text"
    context, page = await open_case(browser, community, token, post_id)
    text = page.locator("#post-text")
    await expect(text).to_have_class("post-text blurred")
    await page.keyboard.press("v")
    await expect(text).to_have_class("post-text")
    await context.close()


async def test_a_post_no_model_reads_shows_its_language_and_starts_blurred(
    browser: Browser, community: Community
) -> None:
    """No model read it, so nothing says it is safe to show: blurred, with its language."""
    post_id = await community.held("Ξέρω πού μένεις και θα σε πληγώσω. καραντίνα")
    token = await community.token("mo1", "moderator")
    context, page = await open_case(browser, community, token, post_id)
    await expect(page.locator("#post-text")).to_have_class("post-text blurred")
    await expect(page.get_by_text("not scored, no model reads el")).to_be_visible()
    await expect(page.get_by_text("language el")).to_be_visible()
    await screen(page, "07-unscored")
    await context.close()


async def test_the_case_shows_the_post_it_answers_its_thread_and_the_authors_posts(
    browser: Browser, community: Community
) -> None:
    """A reply is judged against its conversation: the parent, the thread around it (a rude
    neighbour blurred by the post's own rule) and what its author said before, each with its
    decision."""
    thread = {"thread_id": "match-night"}
    parent = await community.submit("Who else thinks the referee got it wrong tonight?",
                                    "member-2", external_id="c-parent", **thread)  # fmt: skip
    rude = await community.submit("you stupid worthless idiot, shut up you moron", "member-3",
                                  external_id="c-rude", **thread)  # fmt: skip
    earlier = await community.submit("Lovely goal in the first half", "member-9")
    for post_id in (parent, rude, earlier):
        await community.decision_of(post_id)
    reply = await community.held("same to you, and I mean it", "member-9",
                                 external_id="c-reply", reply_to="c-parent", **thread)  # fmt: skip
    token = await community.token("mo1", "moderator")
    context, page = await open_case(browser, community, token, reply)
    conversation = page.get_by_role("region", name="Conversation")
    await expect(conversation.locator("#parent")).to_contain_text("referee got it wrong")
    await expect(conversation.locator("#parent")).to_contain_text("member-2")
    items = conversation.locator("#thread li")
    await expect(items).to_have_count(3)  # the parent, the rude neighbour and the reply
    await expect(items.nth(1).locator(".post-text")).to_have_class("post-text blurred")
    await expect(items.nth(0).locator(".post-text")).to_have_class("post-text")
    await expect(conversation.locator("#thread li[aria-current=true]")).to_contain_text(
        "same to you"
    )
    await expect(conversation.locator("#author-posts")).to_contain_text("Lovely goal")
    await screen(page, "08-conversation")
    await context.close()


async def test_a_raids_200_cases_are_removed_at_once_each_with_its_own_decision(
    browser: Browser, community: Community
) -> None:
    """After a raid: 200 held replies from 40 accounts aimed at one member, selected by the
    member, previewed, and removed with one reason; each post gets its own moderator decision
    with its statement of reasons."""
    items = [{"tenant": community.tenant, "external_id": f"raid-{n}", "author_id": f"raider-{n % 40}",
              "text": f"get lost loser quarantine {n}", "mentions": ["member-17"]}
             for n in range(200)]  # fmt: skip
    headers = await community.platform()
    async with httpx.AsyncClient(timeout=60, headers=headers) as client:
        answer = await client.post(f"{community.ingest}/v1/posts:batch", json={"posts": items})
    assert answer.status_code == 200 and answer.json()["accepted"] == 200, answer.text
    token = await community.token("mo1", "moderator")

    async def all_open() -> bool:
        found = await community.api(token, "POST", "/v1/moderation/bulk:preview",
                                    selection={"aimed_at": "member-17"})  # fmt: skip
        return found.json()["matched"] == 200

    assert await eventually(all_open, timeout=120, interval=1)
    context, page = await signed_in(browser, community, token)
    await page.keyboard.press("b")
    await expect(page.get_by_role("heading", name="Bulk actions")).to_be_visible()
    await page.get_by_label("Aimed at member").fill("member-17")
    await page.get_by_role("button", name="Preview").click()
    await expect(page.locator("#bulk-count")).to_contain_text("200 open cases")
    await page.get_by_label("Action").select_option("remove")
    await page.get_by_label("Reason (goes to every case)").fill("Raid on member-17")
    await screen(page, "09-bulk-preview")
    await page.get_by_role("button", name="Apply to all").click()
    await expect(page.locator("#bulk-done")).to_contain_text(
        "200 of 200 cases: remove", timeout=150_000
    )
    print(await page.locator("#bulk-done").inner_text())
    decisions = await collect(
        community.infra.kafka_bootstrap, topics.DECISIONS, until=lambda f: len(f) >= 200,
        match=lambda d: d["tenant"] == community.tenant and d["revision"] == 1, timeout=60,
    )  # fmt: skip
    assert len({d["post_id"] for d in decisions}) == 200
    assert all(d["action"] == "remove" and d["decided_by"] == "mo1" for d in decisions)
    assert all(
        d["statement"] and "Raid on member-17" in d["reasons"][0]["detail"] for d in decisions
    )
    await context.close()


async def test_a_case_claimed_in_another_browser_greys_out_without_a_reload(
    browser: Browser, community: Community
) -> None:
    post_id = await community.held("a case two moderators look at")
    one, two = await community.token("mo1", "moderator"), await community.token("mo2", "moderator")
    first, mine = await open_case(browser, community, one, post_id)
    await expect(mine.get_by_role("button", name="Claim")).to_be_visible()
    second, theirs = await open_case(browser, community, two, post_id)
    await theirs.get_by_role("button", name="Claim").click()
    await expect(theirs.get_by_role("button", name="Unclaim")).to_be_visible()
    await expect(mine.locator("#held-elsewhere")).to_contain_text("Held by mo2", timeout=5000)
    await expect(mine.locator("section.greyed")).to_have_attribute("aria-disabled", "true")
    await expect(mine.get_by_role("button", name="Add note")).to_be_disabled()
    await screen(mine, "10-held-elsewhere")
    await first.close()
    await second.close()


async def test_an_appeal_is_taken_by_another_moderator(
    browser: Browser, community: Community
) -> None:
    post_id = await community.held("appeal me")
    case = case_id_for(post_id)
    mo1 = await community.token("mo1", "moderator")
    for verb, body in (("claim", {}), ("actions", {"action": "remove", "reason": "rude"}),
                       ("appeal", {"reason": "the author disagrees"})):  # fmt: skip
        answer = await community.api(mo1, "POST", f"/v1/moderation/cases/{case}/{verb}", **body)
        assert answer.status_code == 200, answer.text
    context, page = await signed_in(browser, community, mo1)
    await page.goto(f"{community.desk}/console/#/appeals")
    take = page.get_by_role("button", name="Take appeal")
    await expect(take).to_have_attribute("aria-disabled", "true", timeout=WAIT_MS)
    await expect(page.get_by_text("You decided this case first.")).to_be_visible()
    await screen(page, "07-appeals")
    other, page2 = await signed_in(browser, community, await community.token("mo2", "moderator"))
    await page2.goto(f"{community.desk}/console/#/appeals")
    await page2.get_by_role("button", name="Take appeal").click()
    await expect(page2.get_by_text("held by mo2")).to_be_visible(timeout=WAIT_MS)
    await page2.get_by_role("button", name="Approve").click()
    await page2.get_by_label("Reason").fill("fair criticism after all")
    await page2.get_by_role("button", name="Submit", exact=False).first.click()
    await expect(page2.get_by_text("Resolved: allow")).to_be_visible(timeout=WAIT_MS)
    decision = await community.decision_of(post_id, lambda d: d["revision"] == 2)
    assert decision and decision["action"] == "allow" and decision["decided_by"] == "mo2"
    # the admin sees the agreement: mo1's call was overturned on appeal, mo2 decided one appeal
    boss, admin = await signed_in(browser, community, await community.token("boss", "admin"))
    await admin.goto(f"{community.desk}/console/#/admin")
    first = admin.locator('#quality tr[data-moderator="mo1"] td')
    await expect(first).to_have_text(["1", "1", "0", "1", "0", "100 %", "0", "0", "–"],
                                     timeout=WAIT_MS)  # fmt: skip
    await expect(admin.locator('#quality tr[data-moderator="mo2"] td').nth(4)).to_have_text("1")
    await screen(admin, "11-quality")
    await context.close()
    await other.close()
    await boss.close()


async def test_a_golden_case_scores_a_moderators_call_and_decides_nothing(
    browser: Browser, community: Community
) -> None:
    """An admin marks a resolved case golden; an unmarked copy joins the queue beside the next
    held post; a moderator's call on it is scored, and no decision is made for any post."""
    source = await community.held("the golden sample")
    mo1, mo2 = await community.token("mo1", "moderator"), await community.token("mo2", "moderator")
    for verb, body in (("claim", {}), ("actions", {"action": "remove", "reason": "rude"})):
        answer = await community.api(
            mo1, "POST", f"/v1/moderation/cases/{case_id_for(source)}/{verb}", **body
        )
        assert answer.status_code == 200, answer.text
    boss_token = await community.token("boss", "admin")
    boss, admin = await open_case(browser, community, boss_token, source)
    await admin.get_by_label("Expected call").select_option("remove")
    await admin.get_by_role("button", name="Mark as golden").click()
    await expect(admin.locator("#golden-done")).to_contain_text("expected call is remove")

    async def a_copy() -> str | None:
        await community.held(f"another held post {uuid.uuid4().hex[:6]}")
        listed = await community.api(mo2, "GET", "/v1/moderation/queues/review/cases?limit=50")
        for case in listed.json()["data"]:
            detail = await community.api(mo2, "GET", f"/v1/moderation/cases/{case['case_id']}")
            text = detail.json()["post"]["text"]
            if case["case_id"] != case_id_for(source) and text.startswith("the golden sample"):
                return case["case_id"]
        return None

    copy = await eventually(a_copy, timeout=90, interval=1)
    assert copy, "no copy of the golden case joined the queue"

    # the copy does not give its answer away: the original, with the call made on it, is in
    # its author's record on the original's case but not on the copy's
    def record(view: dict) -> set[str]:
        return {d["decision_id"] for d in view["author"]["recent_decisions"]} | {
            p["post_id"] for p in view["conversation"]["author_recent"]
        }

    on_source = (
        await community.api(mo2, "GET", f"/v1/moderation/cases/{case_id_for(source)}")
    ).json()
    on_copy = (await community.api(mo2, "GET", f"/v1/moderation/cases/{copy}")).json()
    originals = {source} | {d["decision_id"] for d in on_source["decisions"]}
    assert originals & record(on_source) and not originals & record(on_copy)
    for verb, body in (("claim", {}), ("actions", {"action": "remove", "reason": "as ever"})):
        answer = await community.api(mo2, "POST", f"/v1/moderation/cases/{copy}/{verb}", **body)
        assert answer.status_code == 200, answer.text
    await admin.goto(f"{community.desk}/console/#/admin")
    scored = admin.locator('#quality tr[data-moderator="mo2"] td')
    await expect(scored.nth(6)).to_have_text("1", timeout=WAIT_MS)  # golden right
    await expect(scored.nth(8)).to_have_text("100 %")
    copied = (await community.api(mo2, "GET", f"/v1/moderation/cases/{copy}")).json()
    assert copied["decisions"] == []  # the copy's resolution made no decision for any post
    original = await community.decision_of(source, lambda d: d["revision"] == 1)
    assert original["decided_by"] == "mo1"
    await screen(admin, "12-golden")
    await boss.close()


async def test_admin_sees_an_invalid_policy_refused_with_its_line(
    browser: Browser, community: Community
) -> None:
    context, page = await signed_in(browser, community, await community.token("boss", "admin"))
    await page.get_by_role("link", name="Admin").click()
    await page.get_by_role("button", name="Load active policy").click()
    await expect(page.get_by_label("Policy YAML")).to_have_value(
        POLICY.format(tenant=community.tenant)
    )
    await page.get_by_role("button", name="Dry run").click()
    await expect(page.get_by_text("Dry run on the last")).to_be_visible()
    await page.get_by_label("Policy YAML").fill(BROKEN)
    await page.get_by_role("button", name="Publish policy").click()
    await expect(page.get_by_role("alert")).to_contain_text(":8:")  # `colour` is on line 8
    await page.get_by_label("Moderator id").fill("newcomer")
    await page.get_by_role("button", name="Create moderator token").click()
    await expect(page.locator(".token")).to_contain_text("mt_")
    await screen(page, "08-admin")
    await context.close()


async def test_the_pulse_page_charts_the_mood_lets_an_admin_switch_crisis_and_shows_the_digest(
    browser: Browser, community: Community
) -> None:
    for text in ("Dark mode is unreadable, terrible", "Please fix dark mode, it is awful",
                 "dark mode hurts my eyes, disappointed", "Great stream today, thanks!"):  # fmt: skip
        await community.submit(text)
    context, page = await signed_in(browser, community, await community.token("boss", "admin"))
    await page.keyboard.press("c")
    await expect(page.get_by_role("heading", name="Community pulse")).to_be_visible()
    row = page.locator("tr[data-community=general]")
    await expect(row).to_be_visible(timeout=WAIT_MS)  # once its first window closed
    await expect(row.locator(".state")).to_have_text("calm")
    await screen(page, "09-pulse")
    await row.get_by_label("Reason for general").fill("raid after the announcement")
    await row.get_by_role("button", name="Switch crisis mode on").click()
    await expect(row.locator(".state")).to_have_text("crisis mode", timeout=WAIT_MS)

    await row.get_by_role("link", name="general").click()
    await expect(page.get_by_role("heading", name="Pulse: general")).to_be_visible()
    await expect(
        page.get_by_text("crisis mode on by boss: raid after the announcement")
    ).to_be_visible(timeout=WAIT_MS)
    chart = page.get_by_role("img")
    await expect(chart).to_have_attribute("aria-label", re.compile(r"Last \d+ windows"))
    theme = page.locator("#digest").get_by_role("rowheader", name="dark mode")
    await expect(theme).to_be_visible(timeout=WAIT_MS)
    await expect(page.locator("#digest tbody tr").first.locator("td").first).to_have_text("en")
    markdown = page.get_by_role("link", name="Download Markdown")
    got = await page.evaluate(
        "(url) => fetch(url).then(r => r.text())", await markdown.get_attribute("href")
    )
    assert "| dark mode | en | 3 |" in got
    await screen(page, "10-pulse-community")
    await context.close()
