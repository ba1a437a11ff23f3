"""The classifier's Kafka handler on FastStream's in-memory broker, with a stand-in model:
submitted posts in, scored posts (keyed by author) or dead letters out. The real model on the
real broker is tests/integration/test_classifier.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.classifier import handlers
from services.classifier.batching import MicroBatcher
from services.classifier.config import Settings
from services.classifier.domain.language import Guess
from services.classifier.domain.scoring import TONE_NEGATIVE, TONE_POSITIVE
from services.classifier.models.routes import Routes
from services.contracts import topics
from services.contracts.events import (
    Language,
    LanguageSource,
    ModelInfo,
    Post,
    PostSubmitted,
    Scores,
    Tone,
)
from tests.unit.support import Sink


class RudeWordModel:
    """Scores 'idiot' as toxic and refuses to score 'BOOM' (the model raising on one text)."""

    info = ModelInfo(id="rude-word", version="1")
    labels = ("toxicity",)
    languages = frozenset({"en", "de"})  # reads German; the fake detector finds no other
    batch_overhead_tokens = 0

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        return [len(t) for t in texts]

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if any("BOOM" in t for t in texts):
            raise ValueError("cannot score this")
        return [{"toxicity": 0.9 if "idiot" in t else 0.01} for t in texts]


class ShoutingModel:
    """A second model that reads French only: scores everything in capitals as toxic, and reads
    the tone (negative when it shouts)."""

    info = ModelInfo(id="shouting", version="1")
    labels = ("toxicity", "insult")
    languages = frozenset({"fr", "en"})  # English too: the first model keeps it
    batch_overhead_tokens = 0

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        return [len(t) for t in texts]

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return [
            {"toxicity": 0.9 if t.isupper() else 0.1, "insult": 0.5,
             TONE_NEGATIVE: 0.7 if t.isupper() else 0.2, TONE_POSITIVE: 0.1}
            for t in texts
        ]  # fmt: skip


def german_or_english(text: str) -> Guess:
    """A detector as a fake: German when it sees "ich", else English."""
    return Guess("de", 0.99) if "ich" in text.split() else Guess("en", 0.9)


@pytest.fixture(params=[str.lower])
async def classifier(request) -> AsyncIterator[tuple[KafkaBroker, Sink]]:
    models = (RudeWordModel(), ShoutingModel())
    batchers = tuple(
        MicroBatcher(m.score, max_batch=8, max_wait_ms=1, lengths=m.token_lengths) for m in models
    )
    broker = KafkaBroker()
    broker.include_router(handlers.router(Settings()))
    scoring = handlers.Scoring(Routes(models), batchers, request.param, 100, german_or_english)
    broker.context.set_global("classifier", scoring)
    sink = Sink(broker, topics.POSTS_SCORED, topics.DEAD_LETTER)
    for batcher in batchers:
        batcher.start()
    async with TestKafkaBroker(broker) as test_broker:
        yield test_broker, sink
    for batcher in batchers:
        await batcher.stop()


def submitted(text: str, lang: str | None = None) -> dict:
    post = Post(post_id="p", tenant="acme", external_id="e", author_id="u", text=text, lang=lang)
    return PostSubmitted(post=post).model_dump(mode="json")


async def test_a_post_is_scored_on_its_normalized_text(classifier) -> None:
    broker, sink = classifier
    await broker.publish(submitted("You IDIOT"), topics.POSTS_SUBMITTED)
    [scored] = sink.seen[topics.POSTS_SCORED]
    assert scored["scores"] == {"toxicity": 0.9} and scored["normalized_text"] == "you idiot"
    assert scored["post"]["text"] == "You IDIOT" and scored["model"]["id"] == "rude-word"


async def test_a_post_that_is_not_a_post_is_dead_lettered(classifier) -> None:
    broker, sink = classifier
    await broker.publish({**submitted("x"), "post": {"text": "no id"}}, topics.POSTS_SUBMITTED)
    await broker.publish(submitted("fine"), topics.POSTS_SUBMITTED)
    assert [d["error_kind"] for d in sink.seen[topics.DEAD_LETTER]] == ["invalid_schema"]
    assert len(sink.seen[topics.POSTS_SCORED]) == 1


@pytest.mark.parametrize("classifier", [str], indirect=True)  # no normalizing: BOOM stays BOOM
async def test_an_unscorable_text_goes_to_the_dead_letter_topic(classifier) -> None:
    broker, sink = classifier
    await broker.publish(submitted("BOOM"), topics.POSTS_SUBMITTED)
    assert [d["error_kind"] for d in sink.seen[topics.DEAD_LETTER]] == ["unscorable"]
    assert sink.seen[topics.POSTS_SCORED] == []


async def test_each_post_is_read_by_the_model_for_its_language(classifier) -> None:
    broker, sink = classifier
    await broker.publish(submitted("you idiot"), topics.POSTS_SUBMITTED)
    await broker.publish(submitted("TAIS-TOI", lang="fr"), topics.POSTS_SUBMITTED)
    english, french = sink.seen[topics.POSTS_SCORED]
    assert english["model"]["id"] == "rude-word" and english["scores"] == {"toxicity": 0.9}
    assert french["model"]["id"] == "shouting" and french["unscored"] is None
    assert french["scores"] == {"toxicity": 0.1, "insult": 0.5}  # normalized to lower case
    # the tone travels beside the scores, never as a label; a model that reads none gives none
    assert french["tone"] == {"negative": 0.2, "positive": 0.1} and english["tone"] is None


async def test_a_post_in_a_language_no_model_reads_gets_no_scores(classifier) -> None:
    broker, sink = classifier
    await broker.publish(submitted("you idiot", lang="ja"), topics.POSTS_SUBMITTED)
    [scored] = sink.seen[topics.POSTS_SCORED]
    assert scored["scores"] == {} and scored["unscored"] == "language_not_supported"
    assert scored["language"]["code"] == "ja"


async def test_a_post_carries_the_language_it_was_read_as(classifier) -> None:
    broker, sink = classifier
    await broker.publish(submitted("ich weiß, wo du wohnst"), topics.POSTS_SUBMITTED)
    await broker.publish(submitted("ich weiß, wo du wohnst", lang="pt-BR"), topics.POSTS_SUBMITTED)
    await broker.publish(submitted("ok 👍"), topics.POSTS_SUBMITTED)
    detected, stated, short = (s["language"] for s in sink.seen[topics.POSTS_SCORED])
    assert detected == {"code": "de", "confidence": 0.99, "source": "detected"}
    assert stated == {"code": "pt", "confidence": None, "source": "stated"}
    assert short == {"code": "und", "confidence": None, "source": "undetermined"}


async def test_a_post_submitted_with_its_scores_is_passed_on_not_read_again(classifier) -> None:
    """BOOM would make the stand-in model raise: a post that arrives scored never reaches it."""
    broker, sink = classifier
    already = Scores(
        scores={"toxicity": 0.42},
        model=ModelInfo(id="perspective-path", version="7"),
        language=Language(code="de", source=LanguageSource.DETECTED, confidence=0.9),
        tone=Tone(negative=0.6, positive=0.1),
    )
    event = PostSubmitted(
        post=Post(post_id="p", tenant="acme", external_id="e", author_id="u", text="BOOM"),
        scored=already,
    )
    await broker.publish(event.model_dump(mode="json"), topics.POSTS_SUBMITTED)
    await broker.publish(submitted("you idiot"), topics.POSTS_SUBMITTED)
    passed, read = sink.seen[topics.POSTS_SCORED]
    assert passed["scores"] == {"toxicity": 0.42} and passed["model"]["id"] == "perspective-path"
    assert passed["language"]["code"] == "de" and passed["tone"] == {
        "negative": 0.6,
        "positive": 0.1,
    }
    assert passed["normalized_text"] == "boom" and sink.seen[topics.DEAD_LETTER] == []
    assert read["model"]["id"] == "rude-word"
