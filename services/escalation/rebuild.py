"""Rebuild all of escalation's Redis state from Kafka, then exit.

    python -m services.escalation.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops every `escalation:` key family below and replays the topics into it:
- decided markers (`escalation:decided:*`) from the automated decisions on the decisions topic;
- strike records (`escalation:strikes:*`) from the strikes topic, lifted strikes included;
- cases, queues, the SLA index and answered commands from the case-events topic;
- reportable posts (`escalation:reportable:*`) from the scored posts of the report window, and
  the report tallies from the reports topic, admitted under the policies in force (the policy
  files and the published policies).

Stop escalation while it runs. A decided marker or an answer whose 30 days are over is not
restored; a restored one keeps the time it had left.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import (
    CaseEvent,
    Decision,
    PolicyPublished,
    PostReported,
    PostScored,
    StrikeEvent,
)
from services.escalation.adapters import cases, reports, state
from services.escalation.adapters.effects import apply_case_event
from services.escalation.adapters.policies import PolicyBook
from services.escalation.config import Settings
from services.escalation.domain.reports import admit
from services.policy.text import PolicyError, published_policy
from services.shared.kafka import read_events
from services.shared.rebuild import command_line, drop


def _left(occurred_at: float, ttl: int) -> int:
    return int(occurred_at + ttl - time.time())


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()
    bootstrap = settings.kafka_bootstrap_servers
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    decided, strikes = state.DecisionLedger(redis), state.StrikeLedger(redis)
    case_store, answers = cases.CaseStore(redis), cases.ActionLedger(redis)
    window = int(settings.report_window_days * 86400)
    book = reports.ReportBook(redis, window)
    counts = {"decided": 0, "strikes": 0, "case_events": 0, "answers": 0, "reports": 0}
    try:
        await drop(redis, (*state.FAMILIES, *cases.FAMILIES, *reports.FAMILIES))
        async for decision in read_events(bootstrap, topics.DECISIONS, Decision):
            left = _left(decision.occurred_at.timestamp(), state.DECIDED_TTL_SECONDS)
            if decision.revision == 0 and left > 0:
                await decided.mark_decided([decision.post_id], ttl=left)
                counts["decided"] += 1
        async for strike in read_events(bootstrap, topics.STRIKES, StrikeEvent):
            await strikes.apply(strike)
            counts["strikes"] += 1
        async for event in read_events(bootstrap, topics.CASE_EVENTS, CaseEvent):
            await apply_case_event(case_store, event)
            counts["case_events"] += 1
            left = _left(event.occurred_at.timestamp(), cases.ANSWER_TTL_SECONDS)
            if event.action_id and left > 0:
                await answers.mark(event.action_id, event, ttl=left)
                counts["answers"] += 1
        counts["reports"] = await rebuild_reports(settings, book, window)
    finally:
        await redis.aclose()
    return counts


async def rebuild_reports(settings: Settings, book: reports.ReportBook, window: int) -> int:
    bootstrap = settings.kafka_bootstrap_servers
    async for scored in read_events(bootstrap, topics.POSTS_SCORED, PostScored):
        left = _left(scored.occurred_at.timestamp(), window)
        if left > 0:
            await book.keep_scored([scored], ttl=left)
    policies = PolicyBook(settings.policy_dir)
    async for published in read_events(bootstrap, topics.POLICIES, PolicyPublished):
        try:
            policy = published_policy(
                published.tenant, published.name, published.text, published.withdrawn
            )
        except PolicyError:
            continue  # dead-lettered when it was live
        policies.publish(f"{published.name}.yaml", policy)
    replayed = 0
    async for report in read_events(bootstrap, topics.REPORTS, PostReported):
        scored = await book.scored(report.post_id)
        policy = policies.for_post(report.tenant, scored.post.community if scored else None)
        await book.record(report, admit(await book.tally(report), policy))
        replayed += 1
    return replayed


if __name__ == "__main__":
    command_line("services.escalation.rebuild", __doc__ or "", rebuild)
