"""The Perspective migration kit on real Kafka and Redis: a synthetic history (our own scores
through a known monotone distortion, plus noise) in, a score map fitted and published as an
event, and the Perspective endpoint, Google's own client included, answering on the history's
scale: the share flagged at 0.5 to 0.9 within one point of the history's. Versions roll back and
withdraw; a bad map is refused with nothing written."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import numpy as np
import pytest
from googleapiclient.errors import HttpError

from services.contracts import topics
from tests.conftest import Infra
from tests.integration.gateway.test_compat import google_client
from tests.integration.helpers import collect, issue
from training.migrate_perspective import migrate, our_scores
from training.perspective_map import THRESHOLDS

SET = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "multilingual.jsonl"


def distorted(ours: np.ndarray, seed: int = 7) -> np.ndarray:
    """Perspective's scale as this synthetic site saw it: higher than ours, monotone, noisy."""
    noise = np.random.default_rng(seed).normal(0.0, 0.02, len(ours))
    return np.clip(ours**0.45 + noise, 0.0, 1.0)


async def test_a_fitted_map_keeps_the_sites_flag_rates(
    gateway: str, infra: Infra, tenant: str
) -> None:
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()][::3]
    texts = [row["text"] for row in rows]
    key = await issue(infra, tenant, rate_limit=100_000)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=gateway, headers=headers, timeout=60) as client:
        # one comment at a time in every pass: the same scores each time, so the flag rates
        # measure the fit and the endpoint's map, not the classifier's batch-mate noise
        # (about 0.01 a score, which moved 4 of 359 posts across 0.9 in one CI run)
        raw = await our_scores(client, texts, ["TOXICITY"], concurrency=1)
        # all but a post or two (one Russian one reads as another language no model reads)
        assert sum(found is None for found in raw) <= 2
        texts = [text for text, found in zip(texts, raw, strict=True) if found is not None]
        ours = np.array([found["TOXICITY"] for found in raw if found is not None])
        theirs = distorted(ours)
        result = await migrate(
            texts, {"TOXICITY": theirs.tolist()}, gateway, key, threshold=0.8, publish=True,
            concurrency=1,
        )  # fmt: skip
        assert result["published"]["version"] == 1
        (found,) = result["reports"]
        assert found["rank_agreement"] > 0.95
        for t in THRESHOLDS:  # the fit, on its own history
            shares = found["flagged"][f"{t:.1f}"]
            assert abs(shares["then"] - shares["mapped"]) <= 0.01, (t, shares)
        assert any(abs(s["then"] - s["now_raw"]) > 0.05 for s in found["flagged"].values())

        # what a platform now gets from the endpoint, on the history's scale
        through_map = await our_scores(client, texts, ["TOXICITY"], own_scale=False, concurrency=1)
        assert all(found is not None for found in through_map)
        served = np.array([found["TOXICITY"] for found in through_map])
        for t in THRESHOLDS:
            assert abs((served >= t).mean() - (theirs >= t).mean()) <= 0.01, t

    google = await asyncio.to_thread(google_client, gateway, key)
    body = {"comment": {"text": texts[0]}, "requestedAttributes": {"TOXICITY": {}}}
    analyzed = await asyncio.to_thread(google.comments().analyze(body=body).execute)
    assert analyzed["scoreMap"] == {"version": 1, "attributes": ["TOXICITY"]}
    value = analyzed["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
    assert abs(value - served[0]) < 1e-6

    published = await collect(
        infra.kafka_bootstrap, topics.SCORE_MAPS, until=lambda f: bool(f),
        match=lambda e: e.get("tenant") == tenant,
    )  # fmt: skip
    assert published[0]["version"] == 1 and published[0]["curves"]["TOXICITY"]["ours"]


async def test_versions_roll_back_and_withdraw(gateway: str, infra: Infra, tenant: str) -> None:
    key = await issue(infra, tenant)
    comment = {"comment": {"text": "You are a stupid idiot."}, "languages": ["en"],
               "requestedAttributes": {"TOXICITY": {}}, "doNotStore": True}  # fmt: skip
    high = {"curves": {"TOXICITY": {"ours": [0.0, 1.0], "theirs": [0.9, 1.0]}}}
    low = {"curves": {"TOXICITY": {"ours": [0.0, 1.0], "theirs": [0.0, 0.1]}}}
    async with httpx.AsyncClient(
        base_url=gateway, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        path = "/v1/perspective/score-map"

        async def toxicity(**headers) -> tuple[float, dict | None]:
            answer = await client.post("/v1alpha1/comments:analyze", json=comment, headers=headers)
            body = answer.json()
            return body["attributeScores"]["TOXICITY"]["summaryScore"]["value"], body.get(
                "scoreMap"
            )

        raw, none = await toxicity()
        assert none is None
        assert (await client.put(path, json=high)).json()["version"] == 1
        assert (await client.put(path, json=low)).json()["version"] == 2
        value, used = await toxicity()
        assert value <= 0.1 and used["version"] == 2
        assert (await toxicity(**{"X-Score-Map": "none"}))[0] == raw  # our own scale, asked for
        back = await client.post(f"{path}/rollback", json={"version": 1})
        assert back.status_code == 202 and back.json()["restores"] == 1
        value, used = await toxicity()
        assert value >= 0.9 and used["version"] == 3
        listed = (await client.get(path)).json()
        assert listed["live"] == 3 and [v["version"] for v in listed["versions"]] == [3, 2, 1]
        assert (await client.post(f"{path}/rollback", json={"version": 9})).status_code == 404
        gone = await client.delete(path)
        assert gone.status_code == 202 and gone.json()["withdrawn"]
        assert await toxicity() == (raw, None)
        assert (await client.get(path)).json()["live"] is None

        # bad maps: refused, nothing published
        for bad, field in (
            ({"curves": {"TOXICITY": {"ours": [0.5, 0.2], "theirs": [0.0, 1.0]}}}, "increasing"),
            ({"curves": {"TOXICITY": {"ours": [0.0, 1.0], "theirs": [0.0, 1.5]}}}, "between"),
            ({"curves": {"FLIRTATION": {"ours": [0.0, 1.0], "theirs": [0.0, 1.0]}}}, "FLIRTATION"),
            ({"curves": {}}, "curves"),
        ):
            refused = await client.put(path, json=bad)
            assert refused.status_code == 422 and field in refused.text, refused.text
        assert (await client.get(path)).json()["versions"][0]["version"] == 4

    narrow = await issue(infra, tenant, scopes=("score",))
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        denied = await client.put(
            "/v1/perspective/score-map", json=high, headers={"Authorization": f"Bearer {narrow}"}
        )
    assert denied.status_code == 403


async def test_googles_client_gets_an_answer_for_every_attribute(
    gateway: str, infra: Infra, tenant: str
) -> None:
    """An experimental variant is scored as its attribute; one no model here scores is refused
    as Google refused one it did not serve."""
    google = await asyncio.to_thread(google_client, gateway, await issue(infra, tenant))
    text = {"text": "You are a stupid idiot and nobody likes you."}
    body = {"comment": text, "languages": ["en"],
            "requestedAttributes": {"TOXICITY": {}, "TOXICITY_EXPERIMENTAL": {}, "OBSCENE": {}}}  # fmt: skip
    scores = (await asyncio.to_thread(google.comments().analyze(body=body).execute))[
        "attributeScores"
    ]
    value = scores["TOXICITY"]["summaryScore"]["value"]
    assert scores["TOXICITY_EXPERIMENTAL"]["summaryScore"]["value"] == value
    assert "OBSCENE" in scores
    for name in ("FLIRTATION", "REASONING_EXPERIMENTAL", "SPAM"):
        refused = {"comment": text, "requestedAttributes": {name: {}}}
        with pytest.raises(HttpError) as error:
            await asyncio.to_thread(google.comments().analyze(body=refused).execute)
        assert error.value.resp.status == 400
        assert b"ATTRIBUTE_NOT_SUPPORTED" in error.value.content
