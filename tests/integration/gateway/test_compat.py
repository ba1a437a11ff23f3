"""The Perspective and OpenAI compatible endpoints, driven by their real client libraries and
by the request Coral Talk sends, scored by the real classifier (offline model)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import openai
import pytest
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from perspective import Attribute, Perspective
from redis.asyncio import Redis

from services.classifier import metrics as classifier_metrics
from services.contracts import topics
from services.gateway.main import create_app as create_gateway
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest
from tests.conftest import Infra
from tests.integration.gateway.conftest import INTERNAL_TOKEN, gateway_settings
from tests.integration.helpers import collect, issue, serving

pytestmark = pytest.mark.integration
RUDE = "you are a stupid worthless idiot, shut up"
KIND = "Have a lovely day, friends!"


async def test_openai_sdk_gets_results_through_moderations_create(
    gateway: str, infra: Infra, tenant: str
) -> None:
    client = openai.OpenAI(api_key=await issue(infra, tenant), base_url=f"{gateway}/v1")
    answer = await asyncio.to_thread(
        client.moderations.create, input=[RUDE, KIND], model="omni-moderation-latest"
    )
    rude, kind = answer.results
    assert answer.id.startswith("modr-") and answer.model.startswith("offline-minilm")
    assert rude.flagged and rude.categories.harassment and not kind.flagged
    assert rude.category_scores.harassment > 0.5 > kind.category_scores.harassment
    assert rude.category_scores.self_harm == 0.0  # no honest counterpart: 0, never flagged
    assert rude.category_applied_input_types.harassment == ["text"]
    assert rude.category_applied_input_types.self_harm == []


async def test_openai_sdk_sees_a_bad_key_as_authentication_error(gateway: str) -> None:
    client = openai.OpenAI(api_key="mk_nope.bad", base_url=f"{gateway}/v1", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        await asyncio.to_thread(client.moderations.create, input="hi")
    assert caught.value.status_code == 401


async def test_openai_errors_use_openais_shape(gateway: str, infra: Infra, tenant: str) -> None:
    headers = {"authorization": f"Bearer {await issue(infra, tenant)}"}
    async with httpx.AsyncClient(base_url=gateway, headers=headers) as client:
        missing = await client.post("/v1/moderations", json={"model": "x"})
        image = await client.post(
            "/v1/moderations",
            json={"input": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]},
        )
    for response in (missing, image):
        assert response.status_code == 400
        assert response.json()["error"]["type"] == "invalid_request_error"
    assert image.json()["error"]["code"] == "unsupported_input"


class ToGateway(httpx.AsyncHTTPTransport):
    """The perspectiveapi client has Google's URL built in: send its requests to ours."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = httpx.URL(base)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port
        )
        return await super().handle_async_request(request)


async def test_perspectiveapi_client_gets_scores(gateway: str, infra: Infra, tenant: str) -> None:
    client = Perspective(await issue(infra, tenant))  # the package's asyncio client
    client._Perspective__client = httpx.AsyncClient(transport=ToGateway(gateway))
    rude = await client.score(RUDE, [Attribute.TOXICITY, Attribute.INSULT])
    kind = await client.score(KIND, [Attribute.TOXICITY, Attribute.INSULT])
    assert rude.toxicity > 0.5 > kind.toxicity
    assert rude.insult > kind.insult


async def test_coral_talk_request_with_do_not_store_keeps_nothing(
    gateway: str, infra: Infra, tenant: str
) -> None:
    marker = f"{RUDE} {uuid.uuid4().hex}"
    body = {
        "comment": {"text": marker},
        "languages": ["en"],
        "doNotStore": True,
        "requestedAttributes": {"TOXICITY": {}},
    }
    async with httpx.AsyncClient(base_url=gateway) as client:
        response = await client.post(
            "/v1alpha1/comments:analyze", params={"key": await issue(infra, tenant)}, json=body
        )
    assert response.status_code == 200, response.text
    toxicity = response.json()["attributeScores"]["TOXICITY"]
    assert toxicity["summaryScore"]["type"] == "PROBABILITY"
    assert toxicity["summaryScore"]["value"] > 0.5
    assert response.json()["languages"] == ["en"]
    assert not await redis_holds(infra, marker)
    submitted = await collect(
        infra.kafka_bootstrap,
        topics.POSTS_SUBMITTED,
        until=lambda f: bool(f),
        # other tests put poison on this topic (no "post"): skip what is not a post
        match=lambda e: marker in str(e.get("post", {}).get("text", "")),
        timeout=3,
    )
    assert submitted == []


async def redis_holds(infra: Infra, text: str) -> bool:
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    readers = {
        "string": lambda k: redis.get(k),
        "hash": lambda k: redis.hgetall(k),
        "list": lambda k: redis.lrange(k, 0, -1),
        "set": lambda k: redis.smembers(k),
        "zset": lambda k: redis.zrange(k, 0, -1),
        "stream": lambda k: redis.xrange(k),
    }
    try:
        async for key in redis.scan_iter(count=1000):
            kind = await redis.type(key)
            if kind == "none":
                continue  # it expired between the scan and now
            value = await readers[kind](key)
            if text in str(value):
                return True
        return False
    finally:
        await redis.aclose()


async def analyze(gateway: str, key: str | None, body: dict) -> httpx.Response:
    async with httpx.AsyncClient(base_url=gateway) as client:
        params = {"key": key} if key else {}
        return await client.post("/v1alpha1/comments:analyze", params=params, json=body)


async def test_perspective_spans_are_sentences_in_utf16_units(
    gateway: str, infra: Infra, tenant: str
) -> None:
    text = f"😀 {KIND} {RUDE}."
    body = {
        "comment": {"text": text},
        "requestedAttributes": {"TOXICITY": {}, "PROFANITY": {}},
        "spanAnnotations": True,
        "clientToken": "ct-1",
    }
    response = await analyze(gateway, await issue(infra, tenant), body)
    out = response.json()
    spans = out["attributeScores"]["TOXICITY"]["spanScores"]
    assert out["clientToken"] == "ct-1" and "PROFANITY" in out["attributeScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [(0, 30), (31, len(text) + 1)]
    assert spans[1]["score"]["value"] > 0.5 > spans[0]["score"]["value"]


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        ({"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}}, "COMMENT_EMPTY"),
        (
            {"comment": {"text": "x" * 20_481}, "requestedAttributes": {"TOXICITY": {}}},
            "COMMENT_TOO_LONG",
        ),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"SEXUALLY_EXPLICIT": {}}},
            "ATTRIBUTE_NOT_SUPPORTED",
        ),
    ],
    ids=["empty", "too-long", "unsupported-attribute"],
)
async def test_perspective_errors_in_googles_shape(
    gateway: str, infra: Infra, tenant: str, body: dict, error_type: str
) -> None:
    response = await analyze(gateway, await issue(infra, tenant), body)
    error = response.json()["error"]
    assert response.status_code == 400 == error["code"] and error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["errorType"] == error_type


async def test_unsupported_attributes_can_be_dropped(
    gateway: str, infra: Infra, tenant: str
) -> None:
    body = {
        "comment": {"text": RUDE},
        "dropUnsupportedAttributes": True,
        "requestedAttributes": {"SEXUALLY_EXPLICIT": {}, "TOXICITY": {}},
    }
    response = await analyze(gateway, await issue(infra, tenant), body)
    assert list(response.json()["attributeScores"]) == ["TOXICITY"]


async def test_perspective_without_a_key_is_unauthenticated(gateway: str) -> None:
    body = {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}
    response = await analyze(gateway, None, body)
    assert response.status_code == 401
    assert response.json()["error"]["status"] == "UNAUTHENTICATED"
    malformed = await analyze(gateway, "mk_x.y", {"comment": "not an object"})
    assert malformed.status_code in (400, 401)


async def test_opted_in_comments_also_enter_the_pipeline_scored_once_unless_do_not_store(
    infra: Infra, classifier_url: str, tenant: str
) -> None:
    """The comment enters the pipeline with the scores the endpoint answered with (ingest's
    internal API), and the classifier passes them on rather than reading it again."""
    ingest = create_ingest(
        IngestSettings(
            kafka_bootstrap_servers=infra.kafka_bootstrap,
            redis_url=infra.redis_url,
            internal_token=INTERNAL_TOKEN,
        )
    )
    passed_on = classifier_metrics.PASSED_ON._value.get()
    async with serving(ingest) as ingest_url:
        settings = gateway_settings(
            infra, classifier_url, ingest_url=ingest_url, perspective_submit_to_pipeline=True
        )
        async with serving(create_gateway(settings)) as gateway:
            key = await issue(infra, tenant)
            answers = {}
            for token, do_not_store in (("kept", False), ("private", True)):
                body = {
                    "comment": {"text": f"{RUDE} {token}"},
                    "context": {
                        "entries": [{"text": "the parent"}],
                        "replyTo": "p",
                        "threadId": "t",
                    },
                    "clientToken": token,
                    "doNotStore": do_not_store,
                    "requestedAttributes": {"TOXICITY": {}},
                }
                answer = await analyze(gateway, key, body)
                assert answer.status_code == 200
                answers[token] = answer.json()["attributeScores"]["TOXICITY"]["summaryScore"]
    posts = await collect(
        infra.kafka_bootstrap,
        topics.POSTS_SUBMITTED,
        until=lambda f: len(f) >= 2,
        match=lambda e: e.get("post", {}).get("tenant") == tenant,
        timeout=5,
    )
    assert [p["post"]["external_id"] for p in posts] == ["perspective:kept"]
    assert (posts[0]["post"]["reply_to"], posts[0]["post"]["thread_id"]) == ("perspective:p", "t")
    submitted = posts[0]["scored"]
    assert submitted["scores"]["toxicity"] == pytest.approx(answers["kept"]["value"], abs=1e-6)
    [scored] = await collect(
        infra.kafka_bootstrap,
        topics.POSTS_SCORED,
        until=lambda f: len(f) >= 1,
        match=lambda e: e.get("post", {}).get("tenant") == tenant,
    )
    assert scored["scores"] == submitted["scores"] and scored["model"] == submitted["model"]
    assert classifier_metrics.PASSED_ON._value.get() == passed_on + 1  # not read again


def google_client(gateway: str, key: str):
    """Google's documented way to call Perspective, pointed at this gateway."""
    return discovery.build(
        "commentanalyzer",
        "v1alpha1",
        developerKey=key,
        discoveryServiceUrl=gateway + "/$discovery/rest?version={apiVersion}",
        static_discovery=False,
        cache_discovery=False,
    )


async def test_googles_own_client_analyzes_and_suggests_scores(
    gateway: str, infra: Infra, tenant: str
) -> None:
    key = await issue(infra, tenant)
    client = await asyncio.to_thread(google_client, gateway, key)
    analyze_request = {
        "comment": {"text": RUDE},
        "requestedAttributes": {"TOXICITY": {}, "INSULT": {}},
    }
    analyzed = await asyncio.to_thread(client.comments().analyze(body=analyze_request).execute)
    assert analyzed["attributeScores"]["TOXICITY"]["summaryScore"]["value"] > 0.5
    assert set(analyzed["attributeScores"]) == {"TOXICITY", "INSULT"}

    suggestions = [
        ("kept", False, {"TOXICITY": {"summaryScore": {"value": 0.0}}}),
        ("private", True, {"THREAT": {"summaryScore": {"value": 1.0}}}),
    ]
    for token, do_not_store, scores in suggestions:
        body = {"comment": {"text": f"{KIND} {token}"}, "attributeScores": scores,
                "clientToken": token, "doNotStore": do_not_store, "communityId": "forum"}  # fmt: skip
        answer = await asyncio.to_thread(client.comments().suggestscore(body=body).execute)
        assert answer["clientToken"] == token
    examples = await collect(
        infra.kafka_bootstrap,
        topics.LABELED_EXAMPLES,
        until=lambda found: len(found) >= 2,
        match=lambda e: e["tenant"] == tenant,
        timeout=15,
    )
    by_token = {e["client_token"]: e for e in examples}
    assert by_token["kept"]["labels"] == {"toxicity": 0.0}
    assert by_token["kept"]["text"] == f"{KIND} kept"
    assert by_token["kept"]["source"] == "perspective_suggestscore"
    assert by_token["private"]["labels"] == {"threat": 1.0}
    assert by_token["private"]["text"] is None  # doNotStore: no text kept


async def test_google_client_sees_perspective_errors(
    gateway: str, infra: Infra, tenant: str
) -> None:
    client = await asyncio.to_thread(google_client, gateway, await issue(infra, tenant))
    body = {
        "comment": {"text": " "},
        "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}},
    }
    with pytest.raises(HttpError) as caught:
        await asyncio.to_thread(client.comments().suggestscore(body=body).execute)
    assert caught.value.resp.status == 400
    assert b"COMMENT_EMPTY" in caught.value.content
    bad_key = await asyncio.to_thread(google_client, gateway, "mk_nope.bad")
    with pytest.raises(HttpError) as refused:
        request = {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}
        await asyncio.to_thread(bad_key.comments().analyze(body=request).execute)
    assert refused.value.resp.status == 401


async def test_google_client_gets_the_detected_language_and_a_refusal_for_one_not_read(
    gateway: str, infra: Infra, tenant: str
) -> None:
    """English and German are read (by the English and the multilingual model): each comment
    says its language in `detectedLanguages`. Greek, which no loaded model reads, detected or
    stated, is refused as Perspective refused a language it did not serve, instead of being
    scored blind."""
    client = await asyncio.to_thread(google_client, gateway, await issue(infra, tenant))
    english = {"comment": {"text": RUDE}, "requestedAttributes": {"TOXICITY": {}}}
    analyzed = await asyncio.to_thread(client.comments().analyze(body=english).execute)
    assert analyzed["detectedLanguages"] == ["en"] and analyzed["languages"] == ["en"]
    threat = "Ich weiß, wo du wohnst, und ich werde dir wehtun."
    german = {"comment": {"text": threat}, "requestedAttributes": {"THREAT": {}}}
    analyzed = await asyncio.to_thread(client.comments().analyze(body=german).execute)
    assert analyzed["detectedLanguages"] == ["de"]
    assert analyzed["attributeScores"]["THREAT"]["summaryScore"]["value"] >= 0.7
    greek_threat = "Ξέρω πού μένεις και θα σε πληγώσω."
    for extra in ({}, {"languages": ["el"]}):
        greek = {"comment": {"text": greek_threat}, "requestedAttributes": {"TOXICITY": {}},
                 **extra}  # fmt: skip
        with pytest.raises(HttpError) as refused:
            await asyncio.to_thread(client.comments().analyze(body=greek).execute)
        assert refused.value.resp.status == 400
        assert b"LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE" in refused.value.content


async def test_every_span_is_read_in_the_comments_language(
    gateway: str, infra: Infra, tenant: str
) -> None:
    """A short sentence alone can pass for another language ("Merci beaucoup!"): spans are
    read in the comment's language, so each has its score."""
    text = "Thank you all for the quick fix yesterday. Merci beaucoup! It works perfectly now."
    body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}},
            "spanAnnotations": True}  # fmt: skip
    answer = await analyze(gateway, await issue(infra, tenant), body)
    assert answer.status_code == 200, answer.text
    spans = answer.json()["attributeScores"]["TOXICITY"]["spanScores"]
    assert len(spans) == 3 and all(0 <= s["score"]["value"] <= 1 for s in spans)
