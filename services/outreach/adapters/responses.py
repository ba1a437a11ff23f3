"""Time to first response as outreach keeps it, from the case events (`domain/responses`).

outreach:responses:{tenant}:{yyyy-mm-dd}   per day of the first reply: for each community and queue,
                                       the replies counted, their waits summed, and per bucket
"""

from __future__ import annotations

from datetime import date, timedelta

from redis.asyncio import Redis

from services.contracts.cases import Case
from services.outreach.domain.responses import ResponseTimes, bucket_of, first_response, summed

FAMILIES = ("outreach:responses:*",)
KEEP_DAYS = 400


def responses_key(tenant: str, day: date) -> str:
    return f"outreach:responses:{tenant}:{day.isoformat()}"


def record(pipe, case: Case, before: Case | None) -> None:
    """Count the case's first response, if this change made it (queued on `pipe`)."""
    waited = first_response(case, before)
    if waited is None or case.first_response_at is None:
        return
    key = responses_key(case.tenant, case.first_response_at.date())
    where = f"{case.community or '-'}\x1f{case.queue}\x1f"
    pipe.hincrby(key, f"{where}count", 1)
    pipe.hincrbyfloat(key, f"{where}seconds", waited)
    pipe.hincrby(key, f"{where}{bucket_of(waited)}", 1)
    pipe.expire(key, KEEP_DAYS * 86400)


async def response_times(redis: Redis, tenant: str, first: date, last: date) -> list[ResponseTimes]:
    """The period's first responses per community and queue: one read per day."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    async with redis.pipeline(transaction=False) as pipe:
        for day in days:
            pipe.hgetall(responses_key(tenant, day))
        return summed(await pipe.execute())
