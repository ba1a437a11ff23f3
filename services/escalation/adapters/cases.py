"""Escalation's cases in Redis: a read model of the case-events topic, for its own checks.

escalation:case:{case_id}                   the folded case (JSON)
escalation:queue:{tenant}:{queue}           open cases, by priority then SLA deadline
escalation:queue-opened:{tenant}:{queue}    open cases, by when they were opened (oldest age)
escalation:queues                           every (tenant, queue) that has held a case
escalation:sla                              open cases with a deadline, by deadline (SLA watch)
escalation:action:{action_id}               the CaseEvent that answered a moderator command
"""

from __future__ import annotations

import json
from datetime import datetime

from redis.asyncio import Redis

from services.contracts.cases import Case, case_from_json
from services.contracts.events import CaseEvent
from services.shared.queues import CaseKeys, write_case

PREFIX = "escalation:"
SLA_KEY = "escalation:sla"
QUEUES_KEY = "escalation:queues"
ANSWER_TTL_SECONDS = 30 * 24 * 3600
FAMILIES = (
    "escalation:case:*",
    "escalation:queue:*",
    "escalation:queue-opened:*",
    "escalation:action:*",
    QUEUES_KEY,
    SLA_KEY,
)


def case_key(case_id: str) -> str:
    return f"escalation:case:{case_id}"


def queue_key(tenant: str, queue: str) -> str:
    return f"escalation:queue:{tenant}:{queue}"


def opened_key(tenant: str, queue: str) -> str:
    return f"escalation:queue-opened:{tenant}:{queue}"


def answer_key(action_id: str) -> str:
    return f"escalation:action:{action_id}"


KEYS = CaseKeys(case_key, queue_key, opened_key)


class CaseStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def get(self, case_id: str) -> Case | None:
        raw = await self.redis.get(case_key(case_id))
        return case_from_json(raw) if raw else None

    async def many(self, case_ids: list[str]) -> list[Case]:
        raws = await self.redis.mget([case_key(i) for i in case_ids]) if case_ids else []
        return [case_from_json(raw) for raw in raws if raw]

    async def found(self, case_ids: list[str]) -> dict[str, Case | None]:
        """Each case by id (None where there is none yet), in one round trip."""
        raws = await self.redis.mget([case_key(i) for i in case_ids]) if case_ids else []
        return {
            i: case_from_json(raw) if raw else None for i, raw in zip(case_ids, raws, strict=True)
        }

    async def save(self, case: Case, previous: Case | None) -> None:
        await self.save_many([(previous, case)])

    async def save_many(self, changes: list[tuple[Case | None, Case]]) -> None:
        """Every (before, after) in one transaction: the view never shows half of them."""
        if not changes:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            for previous, case in changes:
                write_case(pipe, KEYS, case, previous)
                if case.is_open:
                    pipe.sadd(QUEUES_KEY, json.dumps([case.tenant, case.queue]))
                if case.is_open and case.sla_deadline:
                    pipe.zadd(SLA_KEY, {case.case_id: case.sla_deadline.timestamp()})
                else:
                    pipe.zrem(SLA_KEY, case.case_id)
            await pipe.execute()

    async def due(self, now: datetime, limit: int = 500) -> list[str]:
        return await self.redis.zrangebyscore(SLA_KEY, 0, now.timestamp(), start=0, num=limit)

    async def queue_stats(self) -> dict[tuple[str, str], tuple[int, float | None]]:
        """(tenant, queue) -> (open cases, when the oldest was opened, unix seconds): two
        index reads per queue, however many cases are open."""
        queues = sorted(tuple(json.loads(raw)) for raw in await self.redis.smembers(QUEUES_KEY))
        async with self.redis.pipeline(transaction=False) as pipe:
            for tenant, queue in queues:
                pipe.zcard(queue_key(tenant, queue))
                pipe.zrange(opened_key(tenant, queue), 0, 0, withscores=True)
            replies = await pipe.execute()
        out = {}
        for i, (tenant, queue) in enumerate(queues):
            depth, oldest = replies[2 * i], replies[2 * i + 1]
            out[(tenant, queue)] = (depth, oldest[0][1] if oldest else None)
        return out


class ActionLedger:
    """ModeratorActions already answered, with the CaseEvent that answered them, so a
    redelivered command is not applied twice. Rebuilt from the case-events topic."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def seen(self, action_id: str) -> bool:
        return bool(await self.redis.exists(answer_key(action_id)))

    async def mark(self, action_id: str, answer: CaseEvent, ttl: int = ANSWER_TTL_SECONDS) -> None:
        await self.redis.set(answer_key(action_id), answer.model_dump_json(), ex=ttl)
