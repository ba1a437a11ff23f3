"""Kafka side of the classifier: a batch of PostSubmitted in, PostScored (or dead letters) out.

Offsets are committed only after every PostScored of the batch is acknowledged by Kafka
(at-least-once); a failure to publish nacks the batch, which is then redelivered.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.classifier import metrics
from services.classifier.batching import MicroBatcher
from services.classifier.config import Settings
from services.classifier.domain.scoring import Unscorable
from services.classifier.models.base import Scorer
from services.contracts import topics
from services.contracts.events import PostScored, PostSubmitted
from services.shared.kafka import (
    batch_subscriber,
    dead_letter,
    decode_batch,
    publish_all,
)

SERVICE = "classifier"


def register(
    broker: KafkaBroker, settings: Settings, batcher: MicroBatcher, scorer: Scorer, normalize
) -> None:
    @batch_subscriber(broker, topics.POSTS_SUBMITTED, settings.kafka_group_id, settings)
    async def on_posts_submitted(message: KafkaMessage) -> None:
        decoded = await decode_batch(broker, SERVICE, message, PostSubmitted, metrics.ERRORS)
        records = [record for record, _ in decoded]
        posts = [event.post for _, event in decoded]

        texts = [normalize(post.text)[: settings.classifier_max_text_chars] for post in posts]
        results = await batcher.score(texts, source="kafka")
        out = []
        for post, record, text, result in zip(posts, records, texts, results, strict=True):
            if isinstance(result, Unscorable):
                metrics.ERRORS.labels("unscorable").inc()
                await dead_letter(broker, SERVICE, record, "unscorable", str(result))
                continue
            scored = PostScored(post=post, scores=result, model=scorer.info, normalized_text=text)
            out.append(
                (scored, topics.POSTS_SCORED, topics.author_key(post.tenant, post.author_id))
            )
        await publish_all(broker, out)
