"""The hardening probe's inputs through the real stack (real Kafka, Redis and services), each
with the answer it gets now. The first test is the one that mattered most: posts written to be
expensive must not stop any tenant's posts being decided, nor pulse's windows closing on time.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import datetime

import httpx
import pytest

from services.contracts import topics
from tests.conftest import Infra
from tests.e2e.conftest import WAVE_WINDOW_SECONDS, Stack
from tests.integration.helpers import bearer, collect, eventually, ingest_knows, issue

pytestmark = pytest.mark.e2e

LONG = 20_000
ADVERSARIAL = {
    "emoji": "😀🤬💩👍😡🙏",
    "negations": "not bad ",
    "one_word": "x",
    "one_letter_words": "a ",
    "mixed_scripts": "Привет мир 你好世界 مرحبا بالعالم hello 😀 नमस्ते ",
}
GRACE_SECONDS = 2  # the stack's PULSE_GRACE_SECONDS


def long_text(unit: str, i: int) -> str:
    return (f"{i} " + unit * (LONG // len(unit) + 1))[:LONG]


async def submit(stack: Stack, headers: dict, posts: list[dict]) -> httpx.Response:
    async with httpx.AsyncClient(timeout=60, headers=headers) as client:
        return await client.post(f"{stack.url('ingest')}/v1/posts:batch", json={"posts": posts})


def post(text: str, community: str = "calm", **more) -> dict:
    return {"external_id": uuid.uuid4().hex, "author_id": "member", "community": community,
            "text": text, **more}  # fmt: skip


async def decided(stack: Stack, headers: dict, post_id: str) -> dict | None:
    async with httpx.AsyncClient(timeout=10, headers=headers) as client:
        answer = await client.get(f"{stack.url('gateway')}/v1/posts/{post_id}/decision")
    return answer.json() if answer.status_code == 200 else None


async def test_expensive_posts_stall_no_tenant_and_no_mood_window(
    stack: Stack, infra: Infra
) -> None:
    attacker, bystander = f"atk-{uuid.uuid4().hex[:6]}", f"bys-{uuid.uuid4().hex[:6]}"
    attacker_key, bystander_key = await bearer(infra, attacker), await bearer(infra, bystander)
    attack = [
        post(long_text(unit, i), community="raid") for unit in ADVERSARIAL.values() for i in (1, 2)
    ]
    async with httpx.AsyncClient(base_url=stack.url("ingest"), timeout=30) as ingest:
        await ingest_knows(ingest, attacker_key)
        await ingest_knows(ingest, bystander_key)
    answer = await submit(stack, attacker_key, attack)
    assert answer.status_code == 200 and answer.json()["accepted"] == len(attack), answer.text
    attack_ids = [r["post_id"] for r in answer.json()["results"]]
    started = time.time()

    sent: dict[str, float] = {}
    health: list[float] = []
    async with httpx.AsyncClient(timeout=10) as client:
        for second in range(15):  # the bystander keeps posting through the attack
            answer = await submit(stack, bystander_key, [post(f"Thanks, all good {second}.")])
            assert answer.status_code == 200, answer.text
            sent[answer.json()["results"][0]["post_id"]] = time.time()
            asked = time.monotonic()
            try:
                ok = (await client.get(f"{stack.url('pulse')}/healthz")).status_code == 200
            except httpx.TimeoutException:  # what the probe saw: pulse's loop held for minutes
                ok = False
            health.append(time.monotonic() - asked if ok else float("inf"))
            await asyncio.sleep(1)
    assert len(sent) >= 10

    async def all_decided() -> dict[str, dict]:
        found = {p: await decided(stack, bystander_key, p) for p in sent}
        return found if all(found.values()) else {}

    decisions = await eventually(all_decided, timeout=60, interval=1)
    assert decisions, "a bystander's post was never decided"
    latencies = [
        datetime.fromisoformat(d["decided_at"]).timestamp() - sent[p] for p, d in decisions.items()
    ]
    assert max(latencies) < 15, latencies  # seconds, on a 2-core box running everything
    assert max(health) < 2.0, health  # pulse's event loop kept answering

    async def attack_decided() -> bool:
        return all([await decided(stack, attacker_key, p) for p in attack_ids])

    assert await eventually(attack_decided, timeout=120, interval=1), "attack posts undecided"

    windows = await collect(
        infra.kafka_bootstrap, topics.MOOD,
        until=lambda found: len(found) >= 4,
        match=lambda w: w["tenant"] == bystander and w["window_seconds"] == WAVE_WINDOW_SECONDS,
        timeout=60,
    )  # fmt: skip
    during = [w for w in windows if datetime.fromisoformat(w["ends_at"]).timestamp() > started]
    assert len(during) >= 3, windows
    late = [
        datetime.fromisoformat(w["occurred_at"]).timestamp()
        - datetime.fromisoformat(w["ends_at"]).timestamp()
        for w in during
    ]
    assert max(late) < GRACE_SECONDS + 5, late  # closed on time, not minutes late


async def test_a_batch_is_never_half_written(stack: Stack, infra: Infra, tenant: str) -> None:
    """[good, good, bad, good, bad]: the bad items are refused alone, the good ones are
    published once, and a retry publishes nothing again."""
    headers = await bearer(infra, tenant)
    deep: dict = {}
    for _ in range(300):
        deep = {"a": deep}
    items = [post("one"), post("two"), post("three", metadata={"k": "\ud800"}), post("four"),
             post("five", metadata=deep)]  # fmt: skip
    body = json.dumps({"posts": items}).encode()  # ensure_ascii keeps "\ud800" as an escape
    async with httpx.AsyncClient(base_url=stack.url("ingest"), timeout=30) as ingest:
        await ingest_knows(ingest, headers)
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:

        async def send() -> httpx.Response:
            return await client.post(
                f"{stack.url('ingest')}/v1/posts:batch", content=body,
                headers={"content-type": "application/json"},
            )  # fmt: skip

        first = await send()
        assert first.status_code == 200, first.text
        results = first.json()["results"]
        assert [r["status"] for r in results] == [
            "accepted", "accepted", "rejected", "accepted", "rejected"
        ]  # fmt: skip
        assert results[2]["error"]["code"] == "metadata_not_unicode"
        assert results[2]["error"]["details"][0]["field"] == "metadata.k"
        assert results[4]["error"]["code"] == "metadata_too_deep"
        again = (await send()).json()
        assert [r["status"] for r in again["results"]] == [
            "duplicate", "duplicate", "rejected", "duplicate", "rejected"
        ]  # fmt: skip
        lone = await client.post(
            f"{stack.url('ingest')}/v1/posts", content=json.dumps(post("hi \udfff")).encode(),
            headers={"content-type": "application/json"},
        )  # fmt: skip
        assert lone.status_code == 422 and lone.json()["error"]["details"][0]["field"] == "text"
        hidden = await client.post(
            f"{stack.url('ingest')}/v1/posts", json=post("hello", author_id="mem\u200bber")
        )
        assert hidden.status_code == 422
        assert hidden.json()["error"]["details"][0]["field"] == "author_id"
    ids = {results[i]["post_id"] for i in (0, 1, 3)}
    published = await collect(
        infra.kafka_bootstrap, topics.POSTS_SUBMITTED,
        until=lambda found: len(found) >= 4,  # waits out the timeout unless a fourth appears
        match=lambda e: e["post"]["tenant"] == tenant, timeout=10,
    )  # fmt: skip
    assert sorted(e["post"]["post_id"] for e in published) == sorted(ids)


async def raw_post(url: str, path: str, declared: int) -> tuple[int, dict]:
    """A request that declares a body of `declared` bytes and sends none of it: the answer
    must come from the headers alone."""
    parsed = httpx.URL(url)
    reader, writer = await asyncio.open_connection(parsed.host, parsed.port)
    writer.write(
        f"POST {path} HTTP/1.1\r\nhost: {parsed.host}\r\ncontent-type: application/json\r\n"
        f"content-length: {declared}\r\n\r\n".encode()
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    status = int(head.split(b" ", 2)[1])
    length = int(next(
        line.split(b":", 1)[1] for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    ))  # fmt: skip
    body = json.loads(await asyncio.wait_for(reader.readexactly(length), 10))
    writer.close()
    return status, body


@pytest.mark.parametrize(
    ("service", "path"),
    [("desk", "/console/session"), ("gateway", "/v1/moderations"), ("ingest", "/v1/posts"),
     ("ingest", "/v1/posts:batch"), ("pulse", "/v1/feedback/digest"), ("classifier", "/v1/score"),
     ("escalation", "/anything")],
)  # fmt: skip
async def test_a_50_mb_body_is_refused_before_it_is_read(
    stack: Stack, service: str, path: str
) -> None:
    status, body = await raw_post(stack.url(service), path, 50 * 1024 * 1024)
    assert status == 413
    if path == "/v1/moderations":  # OpenAI's shape
        assert body["error"]["type"] == "invalid_request_error"
    else:
        assert body["error"]["code"] == "body_too_large"


async def test_internal_apis_admit_only_the_internal_token(stack: Stack, tenant: str) -> None:
    async with httpx.AsyncClient(timeout=60) as client:
        digest = f"{stack.url('pulse')}/v1/feedback/digest"
        query = {"tenant": tenant, "community": "_"}
        assert (await client.get(digest, params=query)).status_code == 401
        signed = await client.get(digest, params=query, headers=stack.internal_headers)
        assert signed.status_code == 200
        score = f"{stack.url('classifier')}/v1/score"
        texts = {"texts": ["hello"]}
        assert (await client.post(score, json=texts)).status_code == 401
        token = {"Authorization": "Bearer a-platform-key-is-not-it"}
        assert (await client.post(score, json=texts, headers=token)).status_code == 401
        assert (await client.post(score, json=texts, headers=stack.internal_headers)).is_success
        decisions = f"{stack.url('gateway')}/internal/v1/tenants/{tenant}/decisions"
        assert (await client.get(decisions)).status_code == 401
        assert (await client.get(decisions, headers=token)).status_code == 401
        signed = await client.get(decisions, headers=stack.internal_headers)
        assert signed.status_code == 200 and signed.json() == {"data": []}


async def test_the_compatibility_endpoints_answer_in_their_own_shapes(
    stack: Stack, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant)
    gateway = stack.url("gateway")
    async with httpx.AsyncClient(timeout=120, headers=headers) as client:
        moderations = f"{gateway}/v1/moderations"
        prose = "The café was lovely and the staff were kind to everyone. " * 400
        whole = await client.post(moderations, json={"input": prose[:20_001]})
        assert whole.status_code == 200, whole.text
        over = await client.post(moderations, json={"input": prose[:20_481]})
        assert over.status_code == 400 and over.json()["error"]["param"] == "input"
        broken = await client.post(
            moderations,
            content=b'{"input": "\\ud800"}',
            headers={"content-type": "application/json"},
        )
        assert (
            broken.status_code == 400 and broken.json()["error"]["type"] == "invalid_request_error"
        )

        analyze = f"{gateway}/v1alpha1/comments:analyze"
        text = prose[:20_000]  # 20,000 characters, 20,3xx bytes with its accents
        assert 20_000 < len(text.encode()) <= 20_480
        within = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}}
        answer = await client.post(analyze, json=within)
        assert answer.status_code == 200, answer.text
        sentences = " ".join(f"Sentence number {i} is here." for i in range(70))
        spans = {"comment": {"text": sentences}, "requestedAttributes": {"TOXICITY": {}},
                 "spanAnnotations": True}  # fmt: skip
        answer = await client.post(analyze, json=spans)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["attributeScores"]["TOXICITY"]["spanScores"]) == 70
        for content in (b'{"comment": {"text": "\\ud800"}, "requestedAttributes": {}}', b"{oops"):
            bad = await client.post(
                analyze, content=content, headers={"content-type": "application/json"}
            )
            assert bad.status_code == 400
            assert bad.json()["error"]["status"] == "INVALID_ARGUMENT", bad.text


async def test_the_smaller_findings(stack: Stack, infra: Infra, tenant: str) -> None:
    gateway = stack.url("gateway")
    platform = await bearer(infra, tenant)
    admin = {"authorization": f"Bearer {await issue(infra, tenant, moderator=('lead', 'admin'))}"}
    async with httpx.AsyncClient(timeout=60) as client:
        for target in ("http://[64:ff9b::7f00:1]/hook", "http://[2002:7f00:1::]/hook",
                       "http://[::127.0.0.1]/hook", "http://198.18.0.1/hook",
                       "http://240.0.0.1/hook", "http://255.255.255.255/hook"):  # fmt: skip
            hook = await client.post(
                f"{gateway}/v1/webhooks", json={"url": target}, headers=platform
            )
            assert hook.status_code == 422, (target, hook.text)
            assert hook.json()["error"]["code"] == "webhook_target_refused"
        desk = stack.url("desk")
        policies = f"{desk}/v1/admin/policies"
        deep = {"text": 'id: p\nversion: "1"\nrules: []\nx: ' + "[" * 900 + "]" * 900}
        nested = await client.post(f"{policies}/validate", json=deep, headers=admin)
        assert nested.status_code == 422 and nested.json()["error"]["code"] == "invalid_policy"
        twice = {"text": 'id: p\nversion: "1"\nversion: "2"\nrules: []\n'}
        repeated = await client.post(f"{policies}/validate", json=twice, headers=admin)
        assert (
            repeated.status_code == 422 and "written twice" in repeated.json()["error"]["message"]
        )
        crisis = f"{desk}/v1/admin/communities/support/crisis"
        zero = await client.put(crisis, json={"on": 0, "reason": "probe"}, headers=admin)
        assert zero.status_code == 422
        duplicated = await client.put(
            crisis, content=b'{"on": true, "on": false, "reason": "probe"}',
            headers={**admin, "content-type": "application/json"},
        )  # fmt: skip
        assert duplicated.status_code == 400
        assert duplicated.json()["error"]["code"] == "duplicate_key"
        nul = await client.post(
            f"{desk}/v1/admin/keys", json={"name": "for\u0000um"}, headers=admin
        )
        assert nul.status_code == 400 and nul.json()["error"]["code"] == "not_unicode"
