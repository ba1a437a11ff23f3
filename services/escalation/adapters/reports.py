"""Escalation's view of reports, rebuilt from the reports and scored-posts topics.

escalation:reports:{post_id}                     reporter -> {"counted", "report"} (window TTL)
escalation:reporter-day:{tenant}:{reporter}:{d}  counted reports that reporter filed on day d
escalation:reportable:{post_id}                  the scored post, while it can still be reported

A report can only open a case while the scored post is kept (REPORT_WINDOW_DAYS); memory is
about one scored post (~1 KB) per post of the window, bounded by the window, not by history.
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.contracts.events import PostReported, PostScored
from services.escalation.domain.reports import Admission, Tally

FAMILIES = ("escalation:reports:*", "escalation:reporter-day:*", "escalation:reportable:*")
DAY_TTL_SECONDS = 2 * 24 * 3600


def reports_key(post_id: str) -> str:
    return f"escalation:reports:{post_id}"


def reporter_day_key(report: PostReported) -> str:
    day = report.occurred_at.strftime("%Y%m%d")
    return f"escalation:reporter-day:{report.tenant}:{report.reporter_id}:{day}"


def reportable_key(post_id: str) -> str:
    return f"escalation:reportable:{post_id}"


class ReportBook:
    def __init__(self, redis: Redis, window_seconds: int) -> None:
        self.redis, self.window = redis, window_seconds

    async def tally(self, report: PostReported) -> Tally:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(reports_key(report.post_id))
            pipe.get(reporter_day_key(report))
            entries, today = await pipe.execute()
        counted = sorted(
            (
                PostReported.model_validate(entry["report"])
                for entry in map(json.loads, entries.values())
                if entry["counted"]
            ),
            key=lambda r: (r.occurred_at, r.report_id),
        )
        return Tally(tuple(counted), report.reporter_id in entries, int(today or 0))

    async def record(self, report: PostReported, admission: Admission) -> None:
        if admission is Admission.DUPLICATE:
            return
        entry = {
            "counted": admission is Admission.COUNTED,
            "report": report.model_dump(mode="json"),
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(reports_key(report.post_id), report.reporter_id, json.dumps(entry))
            pipe.expire(reports_key(report.post_id), self.window)
            if admission is Admission.COUNTED:
                pipe.incr(reporter_day_key(report))
                pipe.expire(reporter_day_key(report), DAY_TTL_SECONDS)
            await pipe.execute()

    async def keep_scored(self, events: list[PostScored], ttl: int | None = None) -> None:
        if not events:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for event in events:
                raw = event.model_dump_json(exclude_none=True)
                pipe.set(reportable_key(event.post.post_id), raw, ex=ttl or self.window)
            await pipe.execute()

    async def scored(self, post_id: str) -> PostScored | None:
        raw = await self.redis.get(reportable_key(post_id))
        return PostScored.model_validate_json(raw) if raw else None
