"""Every post is read in a language, through the running stack: a German threat is read by the
multilingual model and acted on; a post in a language no loaded model reads (Greek) gets
no scores and is held for a person with its language named, never allowed on the model's
silence; a stated language wins over detection."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import Infra
from tests.e2e.conftest import Stack
from tests.integration.helpers import bearer, eventually, ingest_knows

pytestmark = pytest.mark.e2e

GERMAN_THREAT = "Ich weiß, wo du wohnst, und ich werde dir wehtun."
GREEK_THREAT = "Ξέρω πού μένεις και θα σε πληγώσω."


async def test_each_post_is_read_in_its_language_or_held_for_a_person(
    stack: Stack, infra: Infra, tenant: str
) -> None:
    headers = await bearer(infra, tenant)
    async with httpx.AsyncClient(base_url=stack.url("ingest"), timeout=30) as ingest:
        await ingest_knows(ingest, headers)
        posts = {
            "german": {"text": GERMAN_THREAT},
            "greek": {"text": GREEK_THREAT},
            "english": {"text": "Thanks for the quick fix, it works great now!"},
            "stated": {"text": "Thanks for the quick fix, it works great now!", "lang": "el"},
            "short": {"text": "ok 👍"},
        }
        ids = {}
        for name, fields in posts.items():
            body = {"external_id": uuid.uuid4().hex, "author_id": f"m-{name}", **fields}
            answer = await ingest.post("/v1/posts", json=body, headers=headers)
            assert answer.status_code == 202, answer.text
            ids[name] = answer.json()["post_id"]

    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as gateway:

        async def decisions() -> dict:
            found = {}
            for name, post_id in ids.items():
                answer = await gateway.get(f"/v1/posts/{post_id}/decision", headers=headers)
                if answer.json().get("status") != "decided":
                    return {}
                found[name] = answer.json()
            return found

        decided = await eventually(decisions, timeout=60, interval=0.5)
    assert decided, "not every post was decided"
    german, greek, english = decided["german"], decided["greek"], decided["english"]
    assert german["language"] == "de" and german["action"] == "escalate"
    assert german["queue"] == "safety" and german["scores"]["threat"] >= 0.7
    assert greek["language"] == "el" and greek["action"] == "hold"
    assert greek["queue"] == "general" and greek["scores"] == {}
    assert [r["rule"] for r in greek["reasons"]] == ["unscored"]
    assert "language el" in greek["reasons"][0]["detail"]
    assert english["language"] == "en" and english["action"] == "allow"
    stated = decided["stated"]
    assert stated["language"] == "el" and stated["action"] == "hold"  # stated wins
    assert decided["short"]["language"] == "und" and decided["short"]["action"] == "allow"
