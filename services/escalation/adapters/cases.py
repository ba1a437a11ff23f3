"""Cases and queues in Redis: a read model of the case-events topic, for fast reads.

moderation:case:{case_id}           the folded case (JSON)
moderation:queue:{tenant}:{queue}   open cases, by priority then SLA deadline
moderation:sla                      open cases with a deadline, by deadline (the SLA watch)
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from redis.asyncio import Redis

from services.contracts.events import Action, CaseEvent
from services.escalation.domain.cases import Case, CaseState

SLA_KEY = "moderation:sla"
FAR_FUTURE = 10**11  # seconds: sorts cases without a deadline after every real one


def case_key(case_id: str) -> str:
    return f"moderation:case:{case_id}"


def queue_key(tenant: str, queue: str) -> str:
    return f"moderation:queue:{tenant}:{queue}"


def _dump(case: Case) -> str:
    data = asdict(case)
    for name in ("sla_deadline", "opened_at"):
        data[name] = data[name].isoformat() if data[name] else None
    return json.dumps(data)


def _load(raw: str) -> Case:
    data = json.loads(raw)
    for name in ("sla_deadline", "opened_at"):
        data[name] = datetime.fromisoformat(data[name]) if data[name] else None
    data["state"] = CaseState(data["state"])
    data["resolution"] = Action(data["resolution"]) if data["resolution"] else None
    return Case(**data)


def queue_score(case: Case) -> float:
    deadline = case.sla_deadline.timestamp() if case.sla_deadline else FAR_FUTURE
    return case.priority * 1e12 + deadline


class CaseStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def get(self, case_id: str) -> Case | None:
        raw = await self.redis.get(case_key(case_id))
        return _load(raw) if raw else None

    async def save(self, case: Case, previous: Case | None) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(case_key(case.case_id), _dump(case))
            if previous and previous.queue != case.queue:
                pipe.zrem(queue_key(previous.tenant, previous.queue), case.case_id)
            if case.is_open:
                pipe.zadd(queue_key(case.tenant, case.queue), {case.case_id: queue_score(case)})
            else:
                pipe.zrem(queue_key(case.tenant, case.queue), case.case_id)
            if case.is_open and case.sla_deadline:
                pipe.zadd(SLA_KEY, {case.case_id: case.sla_deadline.timestamp()})
            else:
                pipe.zrem(SLA_KEY, case.case_id)
            await pipe.execute()

    async def queue(self, tenant: str, queue: str, limit: int = 100) -> list[Case]:
        ids = await self.redis.zrange(queue_key(tenant, queue), 0, limit - 1)
        cases = [await self.get(case_id) for case_id in ids]
        return [case for case in cases if case]

    async def due(self, now: datetime, limit: int = 500) -> list[str]:
        return await self.redis.zrangebyscore(SLA_KEY, 0, now.timestamp(), start=0, num=limit)

    async def queue_stats(self) -> dict[tuple[str, str], tuple[int, datetime | None]]:
        """(tenant, queue) -> (open cases, when the oldest of them was opened), for metrics."""
        out = {}
        async for key in self.redis.scan_iter(match="moderation:queue:*"):
            tenant, _, queue = key.removeprefix("moderation:queue:").partition(":")
            cases = await self.queue(tenant, queue, limit=10_000)
            out[(tenant, queue)] = (len(cases), min((c.opened_at for c in cases), default=None))
        return out

    async def flush(self) -> None:
        """Drop the whole read model (before a rebuild from Kafka)."""
        for pattern in ("moderation:case:*", "moderation:queue:*"):
            async for key in self.redis.scan_iter(match=pattern):
                await self.redis.delete(key)
        await self.redis.delete(SLA_KEY)

    async def snapshot(self) -> dict[str, object]:
        """Everything the read model holds, for comparing a rebuild with the original."""
        out: dict[str, object] = {}
        for pattern in ("moderation:case:*", "moderation:queue:*"):
            async for key in self.redis.scan_iter(match=pattern):
                kind = await self.redis.type(key)
                out[key] = await (
                    self.redis.get(key)
                    if kind == "string"
                    else self.redis.zrange(key, 0, -1, withscores=True)
                )
        out[SLA_KEY] = await self.redis.zrange(SLA_KEY, 0, -1, withscores=True)
        return out


def answer_key(action_id: str) -> str:
    return f"moderation:action:{action_id}"


class ActionLedger:
    """ModeratorActions already answered, with the CaseEvent that answered them: a redelivered
    command is not applied twice, and the gateway reads the answer to reply to the moderator."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def seen(self, action_id: str) -> bool:
        return bool(await self.redis.exists(answer_key(action_id)))

    async def mark(self, action_id: str, answer: CaseEvent) -> None:
        await self.redis.set(answer_key(action_id), answer.model_dump_json(), ex=30 * 24 * 3600)

    async def answer(self, action_id: str) -> CaseEvent | None:
        raw = await self.redis.get(answer_key(action_id))
        return CaseEvent.model_validate_json(raw) if raw else None
