"""A community's health, day by day, as outreach keeps it (`domain/health`):

outreach:health:{tenant}:{community|-}:{yyyy-mm-dd}       hash: the day's mood counts (from
                                                           the mood topic's windows of one
                                                           length) and case counts (from case
                                                           events), `by:{moderator}` the work
outreach:health-windows:{tenant}:{community|-}:{day}     the windows counted (a redelivered
                                                           one is not counted twice)
outreach:health-events:{tenant}:{community|-}             waves and crisis switches, by time

A report reads one hash per day of its period and the events of the period: its cost does not
grow with the posts in it, nor with history.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from redis.asyncio import Redis

from services.contracts.cases import Case
from services.contracts.events import CaseEvent, CommunityAlert, CrisisChanged, MoodWindow
from services.outreach.domain.health import case_counts, mood_counts

FAMILIES = ("outreach:health:*", "outreach:health-windows:*", "outreach:health-events:*")
KEEP_SECONDS = 400 * 86400


def where(tenant: str, community: str | None) -> str:
    return f"{tenant}:{community or '-'}"


def day_key(tenant: str, community: str | None, day: date) -> str:
    return f"outreach:health:{where(tenant, community)}:{day.isoformat()}"


def events_key(tenant: str, community: str | None) -> str:
    return f"outreach:health-events:{where(tenant, community)}"


def record_case(pipe, event: CaseEvent, before: Case | None, after: Case) -> None:
    """Queued on the case view's pipeline: counted once per change of the case."""
    counts = case_counts(event, before, after)
    if not counts:
        return
    key = day_key(after.tenant, after.community, event.occurred_at.date())
    for name, n in counts.items():
        pipe.hincrby(key, name, n)
    pipe.expire(key, KEEP_SECONDS)


class HealthBook:
    def __init__(self, redis: Redis, window_seconds: int) -> None:
        self.redis, self.window_seconds = redis, window_seconds

    async def apply_window(self, window: MoodWindow) -> bool:
        if window.window_seconds != self.window_seconds:
            return False
        day = window.starts_at.date()
        seen = f"outreach:health-windows:{where(window.tenant, window.community)}:{day.isoformat()}"
        if not await self.redis.sadd(seen, int(window.starts_at.timestamp())):
            return False  # counted already
        key = day_key(window.tenant, window.community, day)
        async with self.redis.pipeline(transaction=True) as pipe:
            for name, n in mood_counts(window).items():
                pipe.hincrby(key, name, n)
            for counted in (key, seen):
                pipe.expire(counted, KEEP_SECONDS)
            await pipe.execute()
        return True

    async def apply_event(self, event: CommunityAlert | CrisisChanged) -> bool:
        if isinstance(event, CommunityAlert):
            if event.kind.pile_on:
                return False
            said = {"kind": event.kind.value, "at": event.at.isoformat(),
                    "negative_rate": round(event.rate, 4)}  # fmt: skip
            at = event.at.timestamp()
        else:
            said = {"kind": "crisis_on" if event.on else "crisis_off", "actor": event.actor,
                    "reason": event.reason, "at": event.occurred_at.isoformat()}  # fmt: skip
            at = event.occurred_at.timestamp()
        key = events_key(event.tenant, event.community)
        await self.redis.zadd(key, {json.dumps({"id": event.event_id, **said}): at})
        await self.redis.zremrangebyscore(key, "-inf", at - KEEP_SECONDS)
        return True

    async def period(self, tenant: str, community: str | None, first: date, last: date
                     ) -> tuple[list[tuple[date, dict[str, str]]], list[dict]]:  # fmt: skip
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        async with self.redis.pipeline(transaction=False) as pipe:
            for day in days:
                pipe.hgetall(day_key(tenant, community, day))
            found = await pipe.execute()
        start = float(date_seconds(first))
        end = float(date_seconds(last + timedelta(days=1)))
        raw = await self.redis.zrangebyscore(events_key(tenant, community), start, f"({end}")
        events = [{k: v for k, v in json.loads(r).items() if k != "id"} for r in raw]
        return list(zip(days, found, strict=True)), events


def date_seconds(day: date) -> int:
    return int((day - date(1970, 1, 1)).total_seconds())
