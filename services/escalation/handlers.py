"""Kafka side of escalation: PostScored in; Decision, strike and sanction events out.

Idempotent on post_id: a post already decided is skipped, and a redelivered post recomputes the
same outcome (its own strike is left out of the count it is judged against), with event ids
derived from the decision id so downstream consumers can drop repeats.
"""

from __future__ import annotations

import time
from dataclasses import replace

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from services.contracts import topics
from services.contracts.events import PostScored, derived_id
from services.escalation import metrics
from services.escalation.adapters.cases import CaseStore
from services.escalation.adapters.policies import PolicyBook
from services.escalation.adapters.state import DecisionLedger, StrikeLedger
from services.escalation.cases_worker import CASES_OPENED, apply_case_event
from services.escalation.config import Settings
from services.escalation.domain.decisions import Outcome, automated_outcome, shadow_decision
from services.escalation.domain.policy import PostFacts, evaluate
from services.shared.kafka import (
    batch_subscriber,
    decode_batch,
    publish_all,
)

SERVICE = "escalation"


def register(
    broker: KafkaBroker,
    settings: Settings,
    decided: DecisionLedger,
    strikes: StrikeLedger,
    book: PolicyBook,
    cases: CaseStore,
) -> None:
    async def decide(event: PostScored) -> Outcome:
        post = event.post
        policy = book.for_post(post.tenant, post.community)
        own_strike = derived_id("decision", post.post_id, "0")
        count = await strikes.count(
            post.tenant,
            post.community,
            post.author_id,
            time.time(),
            policy.strikes.window_days,
            excluding=own_strike,
        )
        facts = PostFacts(
            scores=event.scores,
            text=event.normalized_text or post.text,
            community=post.community,
            author=post.author,
            strikes=count,
        )
        outcome = automated_outcome(event, evaluate(facts, policy), policy, count)
        shadow = book.shadow_for(post.tenant, post.community)
        if shadow is not None:  # recorded and counted, never acted on
            verdict = evaluate(facts, shadow)
            outcome = replace(
                outcome, shadow=shadow_decision(event, verdict, shadow, outcome.decision)
            )
        if outcome.strike:  # counted before the next post of this author in the batch is judged
            await strikes.add(outcome.strike, time.time())
        return outcome

    @batch_subscriber(broker, topics.POSTS_SCORED, settings.kafka_group_id, settings)
    async def on_posts_scored(message: KafkaMessage) -> None:
        scored: dict[str, PostScored] = {}
        for _, event in await decode_batch(broker, SERVICE, message, PostScored, metrics.ERRORS):
            scored.setdefault(event.post.post_id, event)

        done = await decided.already_decided(list(scored))
        metrics.DUPLICATES.inc(len(done))
        outcomes = [await decide(event) for post_id, event in scored.items() if post_id not in done]
        out = []
        for outcome in outcomes:
            d = outcome.decision
            key = topics.author_key(d.tenant, d.author_id)
            out.append((d, topics.DECISIONS, key))
            if outcome.strike:
                out.append((outcome.strike, topics.STRIKES, key))
            if outcome.sanction:
                out.append((outcome.sanction, topics.SANCTIONS, key))
            if outcome.case:
                out.append((outcome.case, topics.CASE_EVENTS, key))
            if outcome.shadow:
                out.append((outcome.shadow, topics.SHADOW_DECISIONS, key))
        await publish_all(broker, out)
        for outcome in outcomes:
            if outcome.case:
                await apply_case_event(cases, outcome.case)
                CASES_OPENED.labels(outcome.case.queue).inc()
        await decided.mark_decided([o.decision.post_id for o in outcomes])
        metrics.record(outcomes)
