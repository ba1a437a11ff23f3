"""What moderators read: escalation's case view in Redis (a projection of the case-events
topic), the answers it records to moderator commands, and authors' strike records."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime

from redis.asyncio import Redis

from services.contracts.events import CaseEvent
from services.escalation.adapters.cases import ActionLedger, CaseStore, queue_key
from services.escalation.adapters.state import strikes_key
from services.escalation.domain.cases import Case


def glob_escape(text: str) -> str:
    """`text` matched literally in a Redis MATCH pattern (a tenant named 'a*' sees only itself)."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


class CaseDesk:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.cases = CaseStore(redis)
        self.answers = ActionLedger(redis)

    async def get(self, tenant: str, case_id: str) -> Case | None:
        case = await self.cases.get(case_id)
        return case if case is not None and case.tenant == tenant else None

    async def queues(self, tenant: str) -> list[tuple[str, int, float | None]]:
        """(queue, open cases, age in seconds of the oldest) for every queue with open cases."""
        prefix = queue_key(tenant, "")
        out = []
        async for key in self.redis.scan_iter(match=f"{glob_escape(prefix)}*"):
            cases = await self.cases.queue(tenant, key.removeprefix(prefix), limit=100_000)
            if cases:
                oldest = min(c.opened_at for c in cases)
                age = (datetime.now(UTC) - oldest).total_seconds()
                out.append((key.removeprefix(prefix), len(cases), age))
        return sorted(out)

    async def queue(self, tenant: str, queue: str, limit: int) -> list[Case]:
        """Open cases in queue order: priority, then SLA deadline."""
        return await self.cases.queue(tenant, queue, limit=limit)

    async def strikes(self, tenant: str, community: str | None, author_id: str) -> int:
        return await self.redis.zcard(strikes_key(tenant, community, author_id))

    async def answer(self, action_id: str, timeout: float) -> CaseEvent | None:
        """Escalation's answer to a command, polled until it comes or the time is up."""
        deadline = time.monotonic() + timeout
        while True:
            found = await self.answers.answer(action_id)
            if found is not None or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.05)
