"""Kafka side of escalation: PostScored in, Decision out, idempotent on post_id."""

from __future__ import annotations

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.contracts import topics
from services.contracts.events import PostScored
from services.escalation import metrics
from services.escalation.adapters.state import DecisionLedger
from services.escalation.config import Settings
from services.escalation.domain.decisions import automated_decision
from services.escalation.domain.policy import Policy, evaluate
from services.shared.kafka import PoisonMessage, dead_letter, decode_record, publish_all, records_of

SERVICE = "escalation"


def register(
    broker: KafkaBroker, settings: Settings, ledger: DecisionLedger, policy: Policy
) -> None:
    @broker.subscriber(
        topics.POSTS_SCORED,
        group_id=settings.kafka_group_id,
        batch=True,
        max_records=settings.kafka_max_records,
        batch_timeout_ms=settings.kafka_batch_timeout_ms,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
    )
    async def on_posts_scored(message: KafkaMessage) -> None:
        scored: dict[str, PostScored] = {}
        for record in records_of(message):
            try:
                event = decode_record(PostScored, record)
            except PoisonMessage as poison:
                metrics.ERRORS.labels(poison.kind).inc()
                await dead_letter(broker, SERVICE, record, poison.kind, poison.error)
                continue
            scored.setdefault(event.post.post_id, event)

        done = await ledger.already_decided(list(scored))
        metrics.DUPLICATES.inc(len(done))
        decisions = []
        for post_id, event in scored.items():
            if post_id in done:
                continue
            verdict = evaluate(event.scores, policy)
            decisions.append(automated_decision(event, verdict, policy.ref))
        await publish_all(
            broker,
            [(d, topics.DECISIONS, topics.author_key(d.tenant, d.author_id)) for d in decisions],
        )
        await ledger.mark_decided([d.post_id for d in decisions])
        for decision in decisions:
            metrics.DECISIONS.labels(decision.action.value).inc()
            for reason in decision.reasons:
                metrics.RULE_MATCHES.labels(reason.rule).inc()
