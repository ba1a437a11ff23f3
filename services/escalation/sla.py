"""The SLA watch: open cases past their deadline move to their queue's escalation target, and
the queue gauges are refreshed. Each sweep reads only what is due (an index by deadline) and
two index entries per queue, so its cost does not grow with the number of open cases."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from faststream.kafka import KafkaBroker
from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.cases import fold
from services.escalation import metrics
from services.escalation.adapters.cases import CaseStore
from services.escalation.adapters.policies import PolicyBook
from services.escalation.domain.cases import sla_breach, unanswered
from services.shared.kafka import publish_all
from services.shared.sweeps import sweep_every

log = logging.getLogger(__name__)
LOCK_KEY = "escalation:sla-lock"


async def sla_watch(
    broker: KafkaBroker,
    store: CaseStore,
    book: PolicyBook,
    redis: Redis,
    interval: float,
    stop: asyncio.Event,
) -> None:
    """Every `interval` s until `stop`, one replica at a time."""
    await sweep_every(redis, LOCK_KEY, interval, stop, lambda: sweep(broker, store, book))


async def sweep(broker: KafkaBroker, store: CaseStore, book: PolicyBook) -> None:
    now = datetime.now(UTC)
    for case in await store.many(await store.due(now)):
        policy = book.for_post(case.tenant, case.community)
        event = sla_breach(case, policy, now)
        if event is None:
            continue
        key = topics.author_key(case.tenant, case.author_id)
        await publish_all(broker, [(event, topics.CASE_EVENTS, key)])
        after = fold(case, event)
        if after is not None:
            await store.save(after, case)
        metrics.SLA_BREACHES.labels(case.queue).inc()
        if unanswered(case, policy):
            metrics.RESPONSE_SLA_BREACHES.labels(case.queue).inc()
        log.warning(
            "SLA breached", extra={"case_id": case.case_id, "from": case.queue, "to": event.queue}
        )
    for (tenant, queue), (depth, oldest) in (await store.queue_stats()).items():
        metrics.QUEUE_DEPTH.labels(tenant, queue).set(depth)
        metrics.OLDEST_AGE.labels(tenant, queue).set(time.time() - oldest if oldest else 0)
