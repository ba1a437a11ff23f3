"""Members report posts through ingest; the policy's rules on reports bring posts to
moderators. Real Kafka and Redis, the real classifier, escalation, gateway and desk."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client import REGISTRY

from services.contracts.cases import case_id_for
from services.escalation.domain.reports import Admission
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest
from tests.conftest import Infra
from tests.integration.gateway.conftest import publish_scored, scored
from tests.integration.helpers import bearer, eventually, ingest_knows, running

pytestmark = pytest.mark.integration
CALM = "Lovely weather at the lake today, the ducks are back"


@pytest.fixture(scope="module")
async def ingest(infra: Infra) -> AsyncIterator[httpx.AsyncClient]:
    settings = IngestSettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap, redis_url=infra.redis_url
    )
    async with running(create_ingest(settings)) as client:
        yield client


async def submit(ingest: httpx.AsyncClient, headers: dict, external_id: str, author: str = "a1"):
    body = {"external_id": external_id, "author_id": author, "text": f"{CALM} ({external_id})"}
    answer = await ingest.post("/v1/posts", json=body, headers=headers)
    assert answer.status_code == 202, answer.text
    return answer.json()["post_id"]


async def decided(client: httpx.AsyncClient, post_id: str, headers: dict) -> dict:
    async def check():
        view = (await client.get(f"/v1/posts/{post_id}/decision", headers=headers)).json()
        return view if view.get("status") == "decided" else None

    view = await eventually(check, timeout=60)
    assert view, f"no decision for {post_id}"
    return view


async def report(ingest, headers, post_id: str, reporter: str, reason: str = "harassment"):
    body = {"reporter_id": reporter, "reason_code": reason, "text": "not ok"}
    return await ingest.post(f"/v1/posts/{post_id}/reports", json=body, headers=headers)


async def case_of(client: httpx.AsyncClient, post_id: str, headers: dict, reports: int):
    async def check():
        answer = await client.get(f"/v1/moderation/cases/{case_id_for(post_id)}", headers=headers)
        if answer.status_code == 200 and answer.json()["case"]["reports"] >= reports:
            return answer.json()
        return None

    return await eventually(check, timeout=30)


async def test_three_reporters_escalate_an_allowed_post_ahead_of_an_automated_hold(
    gateway: str, desk: str, ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    platform = await bearer(infra, tenant)
    moderator = await bearer(infra, tenant, moderator=("mia", "moderator"))
    await ingest_knows(ingest, platform)
    held = scored(tenant, "held", {"toxicity": 0.95})  # the default policy holds it in general
    await publish_scored(infra, held)
    post_id = await submit(ingest, platform, "calm", author="calm-author")
    async with (
        httpx.AsyncClient(base_url=desk, timeout=30) as client,
        httpx.AsyncClient(base_url=gateway, timeout=30) as platforms,
    ):
        assert (await decided(platforms, post_id, platform))["action"] == "allow"
        assert await case_of(client, held.post.post_id, moderator, 0)
        first = await report(ingest, platform, post_id, "m1")
        repeat = await report(ingest, platform, post_id, "m1")
        assert first.status_code == 202 and first.json()["duplicate"] is False
        assert repeat.status_code == 200 and repeat.json() == {**first.json(), "duplicate": True}
        for reporter in ("m2", "m3"):
            assert (await report(ingest, platform, post_id, reporter)).status_code == 202
        detail = await case_of(client, post_id, moderator, 3)
        assert detail, "three reports opened no case"
        assert detail["case"]["queue"] == "general" and detail["case"]["reports"] == 3
        assert [r["reporter_id"] for r in detail["reports"]] == ["m1", "m2", "m3"]
        assert detail["decisions"][-1]["action"] == "allow"  # reports alone hide nothing
        listed = await client.get("/v1/moderation/queues/general/cases", headers=moderator)
        order = [c["post_id"] for c in listed.json()["data"]]
        assert order.index(post_id) < order.index(held.post.post_id), order
        # a moderator upholds the reports: the post goes, the author gets a strike
        await client.post(f"/v1/moderation/cases/{case_id_for(post_id)}/claim", headers=moderator)
        removed = await client.post(
            f"/v1/moderation/cases/{case_id_for(post_id)}/actions",
            json={"action": "remove", "reason": "harassment, as reported"},
            headers=moderator,
        )
        assert removed.status_code == 200, removed.text

        async def struck():
            answer = await client.get(
                f"/v1/moderation/cases/{case_id_for(post_id)}", headers=moderator
            )
            return answer.json()["author"]["strikes"] == 1

        assert await eventually(struck, timeout=20), "an upheld report gave no strike"


async def test_a_reporter_over_the_daily_cap_is_ignored(
    gateway: str, desk: str, ingest: httpx.AsyncClient, infra: Infra
) -> None:
    tenant = f"cap-{uuid.uuid4().hex[:8]}"
    platform = await bearer(infra, tenant)
    moderator = await bearer(infra, tenant, moderator=("mo", "moderator"))
    await ingest_knows(ingest, platform)
    posts = [await submit(ingest, platform, f"p{i}", author=f"a{i}") for i in range(21)]
    async with (
        httpx.AsyncClient(base_url=desk, timeout=30) as client,
        httpx.AsyncClient(base_url=gateway, timeout=30) as platforms,
    ):
        for post_id in posts:
            await decided(platforms, post_id, platform)
        last = posts[-1]
        # the default policy counts 20 a day from one member, in the order escalation reads
        # them: reports about different authors may be read out of order, so the 21st is
        # sent once the first 20 have been read
        read_before = reports_read()
        for post_id in posts[:-1]:
            assert (await report(ingest, platform, post_id, "serial")).status_code == 202
        assert await eventually(lambda: _true(reports_read() - read_before >= 20), timeout=30)
        assert (await report(ingest, platform, last, "serial")).status_code == 202
        for reporter in ("m1", "m2"):
            assert (await report(ingest, platform, last, reporter)).status_code == 202
        # serial's 21st report did not count: two reporters are not enough
        assert not await case_of(client, last, moderator, 1)
        await report(ingest, platform, last, "m3")
        detail = await case_of(client, last, moderator, 3)
    assert detail and detail["case"]["reports"] == 3
    assert {r["reporter_id"] for r in detail["reports"]} == {"m1", "m2", "m3"}


async def test_a_muted_reporter_is_recorded_and_never_counted_until_unmuted(
    gateway: str, desk: str, ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    platform = await bearer(infra, tenant)
    moderator = await bearer(infra, tenant, moderator=("mo", "moderator"))
    triage = await bearer(infra, tenant, moderator=("tri", "triage"))
    await ingest_knows(ingest, platform)
    first, second = [await submit(ingest, platform, f"mute-{i}", author=f"a{i}") for i in (1, 2)]
    async with (
        httpx.AsyncClient(base_url=desk, timeout=30) as client,
        httpx.AsyncClient(base_url=gateway, timeout=30) as platforms,
    ):
        for post_id in (first, second):
            await decided(platforms, post_id, platform)
        path = "/v1/moderation/reporters/grudge/mute"
        refused = await client.put(path, json={"reason": "rejected again"}, headers=triage)
        assert refused.status_code == 403
        mutes = muted_now()
        muted = await client.put(path, json={"reason": "9 of 9 rejected", "hours": 24},
                                 headers=moderator)  # fmt: skip
        assert muted.status_code == 202 and muted.json()["muted"] and muted.json()["until"]
        assert await eventually(lambda: _true(muted_now() >= mutes + 1), timeout=30)
        before = admissions("muted")
        assert (await report(ingest, platform, first, "grudge")).status_code == 202
        assert await eventually(lambda: _true(admissions("muted") > before), timeout=30)
        for reporter in ("m1", "m2"):  # with grudge, three: but grudge does not count
            assert (await report(ingest, platform, first, reporter)).status_code == 202
        assert not await case_of(client, first, moderator, 1)
        assert (await client.delete(path, headers=moderator)).status_code == 202
        assert await eventually(lambda: _true(muted_now() == mutes), timeout=30)
        counted = admissions("counted")
        assert (await report(ingest, platform, second, "grudge")).status_code == 202
        assert await eventually(lambda: _true(admissions("counted") > counted), timeout=30)


def muted_now() -> float:
    return REGISTRY.get_sample_value("escalation_reporters_muted") or 0.0


def admissions(kind: str) -> float:
    return REGISTRY.get_sample_value("escalation_reports_total", {"admission": kind}) or 0.0


async def test_reports_need_a_known_post_and_valid_fields(
    gateway: str, ingest: httpx.AsyncClient, infra: Infra, tenant: str
) -> None:
    platform = await bearer(infra, tenant)
    other = await bearer(infra, f"o-{tenant}")
    await ingest_knows(ingest, platform)
    await ingest_knows(ingest, other)
    post_id = await submit(ingest, platform, "mine")
    unknown = await report(ingest, platform, "no-such-post", "m1")
    foreign = await report(ingest, other, post_id, "m1")
    bad = await ingest.post(
        f"/v1/posts/{post_id}/reports", json={"reporter_id": "m1", "reason_code": "NOT OK"},
        headers=platform,
    )  # fmt: skip
    unsigned = await ingest.post(f"/v1/posts/{post_id}/reports", json={})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "post_not_found"
    assert foreign.status_code == 404  # another platform's post is not yours to report
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "reason_code"
    assert unsigned.status_code == 401


def reports_read() -> float:
    """Reports escalation (in this process) has read, whatever it made of them."""
    return sum(
        REGISTRY.get_sample_value("escalation_reports_total", {"admission": a.value}) or 0.0
        for a in Admission
    )


async def _true(value: bool) -> bool:
    return value
