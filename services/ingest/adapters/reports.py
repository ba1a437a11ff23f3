"""Reports ingest has taken, so a member's repeat is answered as a duplicate without being
published again (escalation ignores repeats too; this spares the topic).

ingest:report:{report_id}    "1" once published (expires after REPORT_MEMORY_DAYS)
"""

from __future__ import annotations

from redis.asyncio import Redis

FAMILIES = ("ingest:report:*",)


def report_key(report_id: str) -> str:
    return f"ingest:report:{report_id}"


class ReportLedger:
    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self.redis, self.ttl = redis, ttl_seconds

    async def claim(self, report_id: str) -> bool:
        """True the first time: publish it. False: a repeat."""
        return bool(await self.redis.set(report_key(report_id), "1", nx=True, ex=self.ttl))

    async def release(self, report_id: str) -> None:
        """Undo a claim whose publish failed."""
        await self.redis.delete(report_key(report_id))
