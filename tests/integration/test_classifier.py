"""The classifier on the real broker: posts in, PostScored out, poison to the dead-letter topic."""

from __future__ import annotations

import pytest

from services.classifier.app import create_app
from services.classifier.config import Settings
from services.contracts import topics
from services.contracts.events import Post, PostSubmitted, post_id_for
from tests.conftest import Infra
from tests.integration.helpers import collect, produce, running

pytestmark = pytest.mark.integration


def submitted(tenant: str, i: int, text: str) -> PostSubmitted:
    post = Post(
        post_id=post_id_for(tenant, f"p{i}"),
        tenant=tenant,
        external_id=f"p{i}",
        author_id="a1",
        text=text,
    )
    return PostSubmitted(post=post)


@pytest.fixture(scope="module")
async def classifier(infra: Infra):
    settings = Settings(
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        redis_url=infra.redis_url,
        classifier_model="offline",
        internal_token="internal-test-token",
    )
    async with running(create_app(settings)) as client:
        client.headers["Authorization"] = "Bearer internal-test-token"
        yield client


async def test_offline_model_scores_posts_from_kafka(classifier, infra: Infra, tenant: str) -> None:
    texts = ["Have a lovely day, friends!", "you are a stupid worthless idiot, shut up"]
    events = [submitted(tenant, i, t) for i, t in enumerate(texts)]
    await produce(
        infra.kafka_bootstrap,
        topics.POSTS_SUBMITTED,
        [e.model_dump_json().encode() for e in events],
    )

    scored = await collect(
        infra.kafka_bootstrap,
        topics.POSTS_SCORED,
        until=lambda found: len(found) >= 2,
        match=lambda m: m["post"]["tenant"] == tenant,
    )
    by_text = {m["post"]["text"]: m for m in scored}
    kind, rude = by_text[texts[0]], by_text[texts[1]]
    assert rude["scores"]["toxicity"] > 0.8 > 0.2 > kind["scores"]["toxicity"]
    assert rude["scores"]["insult"] > kind["scores"]["insult"]
    assert "sexual_explicit" not in rude["scores"]  # no training data: missing, not zero
    assert rude["model"]["id"] == "offline-minilm-l6-ngram"
    assert rude["_key"] == f"{tenant}:a1"


async def test_each_scored_post_says_which_language_it_was_read_as(
    classifier, infra: Infra, tenant: str
) -> None:
    texts = ["Ich weiß, wo du wohnst, und ich werde dir wehtun.", "ok 👍"]
    events = [submitted(tenant, i, t) for i, t in enumerate(texts)]
    stated = submitted(tenant, 9, "Ich weiß, wo du wohnst, und ich werde dir wehtun.")
    stated = stated.model_copy(update={"post": stated.post.model_copy(update={"lang": "de-AT"})})
    await produce(
        infra.kafka_bootstrap, topics.POSTS_SUBMITTED,
        [e.model_dump_json().encode() for e in [*events, stated]],
    )  # fmt: skip
    scored = await collect(
        infra.kafka_bootstrap, topics.POSTS_SCORED, until=lambda found: len(found) >= 3,
        match=lambda m: m["post"]["tenant"] == tenant,
    )  # fmt: skip
    by_id = {m["post"]["external_id"]: m["language"] for m in scored}
    detected, short, said = (by_id[e.post.external_id] for e in [*events, stated])
    assert detected["code"] == "de" and detected["source"] == "detected"
    assert detected["confidence"] > 0.9
    assert short == {"code": "und", "confidence": None, "source": "undetermined"}
    assert said == {"code": "de", "confidence": None, "source": "stated"}


async def test_poison_messages_go_to_the_dead_letter_topic_and_the_consumer_goes_on(
    classifier, infra: Infra, tenant: str
) -> None:
    good = submitted(tenant, 9, "thanks, that helped a lot")
    await produce(
        infra.kafka_bootstrap,
        topics.POSTS_SUBMITTED,
        [
            b"\xff\xfe not json",
            f'{{"tenant": "{tenant}", "oops": true}}'.encode(),
            good.model_dump_json().encode(),
        ],
    )
    letters = await collect(
        infra.kafka_bootstrap,
        topics.DEAD_LETTER,
        until=lambda found: len(found) >= 2,
        match=lambda m: (
            m["service"] == "classifier" and ("not json" in m["payload"] or tenant in m["payload"])
        ),
    )
    assert sorted(letter["error_kind"] for letter in letters) == ["invalid_schema", "undecodable"]
    assert all(letter["source_topic"] == topics.POSTS_SUBMITTED for letter in letters)

    scored = await collect(
        infra.kafka_bootstrap,
        topics.POSTS_SCORED,
        until=lambda found: len(found) >= 1,
        match=lambda m: m["post"]["post_id"] == good.post.post_id,
    )
    assert scored, "the message after the poison ones was never scored"


async def test_http_score_endpoint(classifier) -> None:
    response = await classifier.post(
        "/v1/score", json={"texts": ["hello friend", "f u c k you, moron"]}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"]["id"] == "offline-minilm-l6-ngram"
    first, second = body["results"]
    assert second["scores"]["toxicity"] > first["scores"]["toxicity"]
    assert first["missing_labels"] == ["sexual_explicit"]
    assert first["language"]["code"] == "und"  # "hello friend": too few letters to tell


async def test_each_text_is_read_by_the_model_for_its_language(classifier) -> None:
    """English by the English model, German by the multilingual one, Swedish by e5's, Greek
    (which no loaded model reads) by none: no scores, and the reason."""
    texts = [
        "You are a pathetic idiot and everyone laughs at you.",
        "Ich weiß, wo du wohnst, und ich werde dir wehtun.",
        "Jag ska hitta dig och döda dig, det lovar jag.",
        "Ξέρω πού μένεις και θα σε πληγώσω.",
    ]
    response = await classifier.post("/v1/score", json={"texts": texts})
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"de", "ja", "sv", "hi"} <= set(body["reads"]) and "el" not in body["reads"]
    english, german, swedish, greek = body["results"]
    assert english["model"]["id"] == "offline-minilm-l6-ngram"
    assert german["model"]["id"] == "offline-use-multilingual"
    assert german["language"]["code"] == "de" and german["scores"]["threat"] >= 0.7
    assert swedish["model"]["id"] == "offline-e5-multilingual"
    assert swedish["language"]["code"] == "sv" and swedish["scores"]["threat"] >= 0.5
    assert greek["language"]["code"] == "el" and greek["model"] is None
    assert greek["scores"] == {} and greek["unscored"] == "language_not_supported"


async def test_http_score_admits_only_the_internal_token(classifier) -> None:
    texts = {"texts": ["hello"]}
    unsigned = await classifier.post("/v1/score", json=texts, headers={"Authorization": ""})
    assert unsigned.status_code == 401 and unsigned.json()["error"]["code"] == "not_internal"
    wrong = await classifier.post("/v1/score", json=texts, headers={"Authorization": "Bearer x"})
    assert wrong.status_code == 401


async def test_http_score_rejects_empty_input(classifier) -> None:
    assert (await classifier.post("/v1/score", json={"texts": []})).status_code == 422
    response = await classifier.post("/v1/score", json={"texts": ["ok", " "]})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "text_empty"
