"""Kafka side of the classifier: a batch of PostSubmitted in, PostScored (or dead letters) out.

Offsets are committed only after every PostScored of the batch is acknowledged by Kafka
(at-least-once); a failure to publish nacks the batch, which is then redelivered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from faststream.kafka import KafkaBroker, KafkaRouter

from services.classifier import metrics
from services.classifier.batching import MicroBatcher
from services.classifier.config import Settings
from services.classifier.domain.language import Guess, language_of
from services.classifier.domain.scoring import Unscorable, split_tone
from services.classifier.models.base import Scorer
from services.classifier.models.routes import Routes
from services.contracts import topics
from services.contracts.events import Language, Post, PostScored, PostSubmitted, Tone
from services.shared.consumer import Context
from services.shared.decoding import Events, Reads, dead_letter
from services.shared.kafka import batch_subscriber, publish_all

SERVICE = "classifier"
UNSUPPORTED = "language_not_supported"


@dataclass(frozen=True)
class Reading:
    """What became of one post: the model that read it (None: none reads its language) and its
    scores, or why they could not be computed; its tone when that model reads tone."""

    model: Scorer | None
    result: dict[str, float] | Unscorable | None
    tone: Tone | None = None

    @classmethod
    def of(cls, model: Scorer, result: dict[str, float] | Unscorable) -> Reading:
        if isinstance(result, Unscorable):
            return cls(model, result)
        scores, tone = split_tone(result)
        return cls(model, scores, Tone(negative=tone[0], positive=tone[1]) if tone else None)


@dataclass(frozen=True)
class Scoring:
    """What the handler scores with; set in the broker's context once the models are loaded."""

    routes: Routes
    batchers: tuple[MicroBatcher, ...]  # one per model of the routes, in their order
    normalize: Callable[[str], str]
    max_text_chars: int
    guess_language: Callable[[str], Guess | None]

    def language(self, post: Post) -> Language:
        return language_of(post.lang, post.text, self.guess_language)

    async def read(self, texts: list[str], languages: list[Language], source: str) -> list[Reading]:
        """Each (normalized) text read by the model for its language; a text in a language no
        model reads is never scored blind."""
        groups = self.routes.by_model([language.code for language in languages])
        scored = await asyncio.gather(
            *(self.batchers[m].score([texts[i] for i in at], source) for m, at in groups.items())
        )
        readings = [Reading(None, None)] * len(texts)
        for (model, at), results in zip(groups.items(), scored, strict=True):
            for position, result in zip(at, results, strict=True):
                readings[position] = Reading.of(self.routes.models[model], result)
        return readings


Deps = Annotated[Scoring, Context("classifier")]
Broker = Annotated[KafkaBroker, Context("broker")]


def router(settings: Settings) -> KafkaRouter:
    routes = KafkaRouter()
    reads = Reads(SERVICE, {topics.POSTS_SUBMITTED: PostSubmitted}, metrics.ERRORS)
    batch_subscriber(routes, reads, settings.kafka_group_id, settings, fill=1)(on_posts_submitted)
    return routes


async def on_posts_submitted(events: Events, broker: Broker, deps: Deps) -> None:
    decoded = events.pairs(topics.POSTS_SUBMITTED)
    texts = [deps.normalize(event.post.text)[: deps.max_text_chars] for _, event in decoded]
    # a post scored as it was submitted is not read again
    unread = [i for i, (_, event) in enumerate(decoded) if event.scored is None]
    languages = {i: deps.language(decoded[i][1].post) for i in unread}
    readings = dict(
        zip(unread, await deps.read([texts[i] for i in unread], list(languages.values()), "kafka"),
            strict=True)
    )  # fmt: skip
    out = []
    for index, (record, event) in enumerate(decoded):
        if event.scored is not None:
            metrics.PASSED_ON.inc()
            scored = passed_on(event, texts[index])
        else:
            reading = readings[index]
            if isinstance(reading.result, Unscorable):
                metrics.ERRORS.labels("unscorable").inc()
                await dead_letter(broker, SERVICE, record, "unscorable", str(reading.result))
                continue
            scored = scored_of(event, texts[index], reading, languages[index], deps)
        post = scored.post
        out.append((scored, topics.POSTS_SCORED, topics.author_key(post.tenant, post.author_id)))
    await publish_all(broker, out)


def scored_of(
    event: PostSubmitted, text: str, reading: Reading, language: Language, deps: Scoring
) -> PostScored:
    if reading.result is None:  # never scored blind: its labels are missing, with the reason
        metrics.UNSCORED.labels(UNSUPPORTED, language.code).inc()
    return PostScored(
        post=event.post,
        scores=reading.result or {},
        model=(reading.model or deps.routes.primary).info,
        normalized_text=text,
        submitted_at=event.occurred_at,
        language=language,
        unscored=UNSUPPORTED if reading.result is None else None,
        tone=reading.tone,
    )


def passed_on(event: PostSubmitted, text: str) -> PostScored:
    """The scores the post was submitted with, as the classifier would have published them."""
    already = event.scored
    assert already is not None
    return PostScored(
        post=event.post,
        scores=already.scores,
        model=already.model,
        normalized_text=text,
        submitted_at=event.occurred_at,
        language=already.language,
        unscored=already.unscored,
        tone=already.tone,
    )
