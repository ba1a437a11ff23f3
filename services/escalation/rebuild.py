"""Rebuild all of escalation's Redis state from Kafka, then exit.

    python -m services.escalation.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops every `escalation:` key family below and replays the topics into it:
- decided markers (`escalation:decided:*`) from the automated decisions on the decisions topic;
- strike records (`escalation:strikes:*`) from the strikes topic, lifted strikes included;
- cases, queues, the SLA index and answered commands from the case-events topic.

Stop escalation while it runs. A decided marker or an answer whose 30 days are over is not
restored; a restored one keeps the time it had left.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import CaseEvent, Decision, StrikeEvent
from services.escalation.adapters import cases, state
from services.escalation.adapters.effects import apply_case_event
from services.escalation.config import Settings
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
    counts = {"decided": 0, "strikes": 0, "case_events": 0, "answers": 0}
    try:
        await drop(redis, (*state.FAMILIES, *cases.FAMILIES))
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
    finally:
        await redis.aclose()
    return counts


if __name__ == "__main__":
    command_line("services.escalation.rebuild", __doc__ or "", rebuild)
