"""What moderators read, built by the desk from the topics: cases and queues (case-events),
the audit trail of each case, authors' strike counts (strikes), and the answers to moderator
commands (the case event that carries the command's action_id).

desk:case:{case_id}                         the folded case (JSON)
desk:case-trail:{case_id}                   every event of the case, by time (the audit trail)
desk:queue:{tenant}:{queue}                 open cases by priority, then SLA deadline
desk:queue-opened:{tenant}:{queue}          open cases by when they were opened
desk:queues:{tenant}                        the tenant's queues that have held a case
desk:queue-due:{tenant}:{queue}             open cases with a deadline, by SLA deadline
desk:queue-breached:{tenant}:{queue}        cases that breached this queue's SLA, by when
desk:cases-by-time:{tenant}                 every case, by when it opened (search)
desk:author-cases:{tenant}:{author}         every case of an author, by when it opened
desk:appeals:{tenant}                       open appealed cases, in queue order
desk:strikes:{tenant}:{community|-}:{author} strike units, scored by when they expire
desk:answer:{action_id}                     the answering event, briefly (a list to BLPOP)
desk:quality:{tenant}:{moderator}:{kind}    set of case ids: a moderator's calls (decided), those
                                            appealed, upheld or overturned on appeal, appeals
                                            they decided (reviewed), golden calls right or wrong:
                                            once per case whatever is redelivered; only counted
desk:quality-staff:{tenant}                 the moderators counted there
desk:live:{tenant}                          a stream of the last changes to the tenant's cases,
                                            for the live console (about LIVE_KEPT entries)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from services.contracts.cases import Case, case_from_json, case_id_for, fold, queue_rank
from services.contracts.events import CaseEvent, CaseEventKind, GoldenScored, StrikeEvent
from services.desk.domain.quality import QUALITY, quality_of
from services.desk.domain.search import Search
from services.desk.metrics import MODERATOR_CALLS
from services.shared import paging
from services.shared.queues import CaseKeys, answer_on, write_case

ANSWER_TTL_SECONDS = 300
LIVE_KEPT = 1000
NO_WINDOW_DAYS = 3650  # a strike from a policy that named no window counts for ten years
FAMILIES = (
    "desk:case:*",
    "desk:case-trail:*",
    "desk:queue:*",
    "desk:queue-opened:*",
    "desk:queues:*",
    "desk:queue-due:*",
    "desk:queue-breached:*",
    "desk:cases-by-time:*",
    "desk:author-cases:*",
    "desk:appeals:*",
    "desk:strikes:*",
    "desk:quality:*",
    "desk:quality-staff:*",
)
BREACH_MEMORY_SECONDS = 7 * 86400  # breaches older than this are forgotten


def case_key(case_id: str) -> str:
    return f"desk:case:{case_id}"


def trail_key(case_id: str) -> str:
    return f"desk:case-trail:{case_id}"


def queue_key(tenant: str, queue: str) -> str:
    return f"desk:queue:{tenant}:{queue}"


def opened_key(tenant: str, queue: str) -> str:
    return f"desk:queue-opened:{tenant}:{queue}"


def queues_key(tenant: str) -> str:
    return f"desk:queues:{tenant}"


def due_key(tenant: str, queue: str) -> str:
    return f"desk:queue-due:{tenant}:{queue}"


def breached_key(tenant: str, queue: str) -> str:
    return f"desk:queue-breached:{tenant}:{queue}"


def by_time_key(tenant: str) -> str:
    return f"desk:cases-by-time:{tenant}"


def author_cases_key(tenant: str, author_id: str) -> str:
    return f"desk:author-cases:{tenant}:{author_id}"


def appeals_key(tenant: str) -> str:
    return f"desk:appeals:{tenant}"


def strikes_key(tenant: str, community: str | None, author_id: str) -> str:
    return f"desk:strikes:{tenant}:{community or '-'}:{author_id}"


def answer_key(action_id: str) -> str:
    return f"desk:answer:{action_id}"


KEYS = CaseKeys(case_key, queue_key, opened_key)


@dataclass(frozen=True)
class QueueStats:
    queue: str
    depth: int
    oldest_opened: float | None  # epoch seconds
    overdue: int  # open cases past their SLA deadline
    breaches_24h: int  # cases that breached this queue's SLA in the last day


class CaseBoard:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, event: CaseEvent, answer: bool = True) -> None:
        """Fold one case event into the view, then hand its answer to whoever waits for it:
        a moderator who gets the answer reads the case as the event left it."""
        before = await self.get(event.case_id)
        after = fold(before, event)
        async with self.redis.pipeline(transaction=True) as pipe:
            if after is not None and after != before:
                write_case(pipe, KEYS, after, before)
                _index(pipe, event, after, before)
                if after.is_open:
                    pipe.sadd(queues_key(after.tenant), after.queue)
            if after is not None:
                pipe.zadd(trail_key(event.case_id), {event.model_dump_json(): _at(event)})
                for moderator, kind in quality_of(event, before):
                    pipe.sadd(quality_key(after.tenant, moderator, kind), after.case_id)
                    pipe.sadd(staff_key(after.tenant), moderator)
                    if answer:  # live: a rebuild counted them once already
                        MODERATOR_CALLS.labels(after.tenant, moderator, kind).inc()
            if answer and event.action_id:
                pipe.rpush(answer_key(event.action_id), event.model_dump_json())
                pipe.expire(answer_key(event.action_id), ANSWER_TTL_SECONDS)
            changed = after is not None and after != before
            if answer and changed:  # live only: a rebuild is news to no one
                pipe.xadd(live_key(after.tenant), change_of(event, after), maxlen=LIVE_KEPT,
                          approximate=True)  # fmt: skip
            await pipe.execute()

    async def apply_golden_score(self, score: GoldenScored) -> None:
        """A moderator's call on a golden case's copy, right or wrong (once per copy)."""
        kind = "golden_right" if score.correct else "golden_wrong"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.sadd(quality_key(score.tenant, score.moderator_id, kind), score.case_id)
            pipe.sadd(staff_key(score.tenant), score.moderator_id)
            await pipe.execute()

    async def quality(self, tenant: str) -> dict[str, dict[str, int]]:
        """Each moderator's counts (QUALITY kinds); one round trip, staff-sized."""
        staff = sorted(await self.redis.smembers(staff_key(tenant)))
        async with self.redis.pipeline(transaction=False) as pipe:
            for moderator in staff:
                for kind in QUALITY:
                    pipe.scard(quality_key(tenant, moderator, kind))
            counts = await pipe.execute()
        n = len(QUALITY)
        return {m: dict(zip(QUALITY, counts[i * n : i * n + n], strict=True))
                for i, m in enumerate(staff)}  # fmt: skip

    async def changes(self, tenant: str, after: str, block_ms: int) -> list[tuple[str, dict]]:
        """The tenant's case changes after the cursor, waiting up to `block_ms` for one."""
        found = await self.redis.xread({live_key(tenant): after}, count=200, block=block_ms)
        return [(i, fields) for _, entries in found or [] for i, fields in entries]

    async def last_change(self, tenant: str) -> str:
        entries = await self.redis.xrevrange(live_key(tenant), count=1)
        return entries[0][0] if entries else "0-0"

    async def get(self, case_id: str) -> Case | None:
        raw = await self.redis.get(case_key(case_id))
        return case_from_json(raw) if raw else None

    async def trail(self, case_id: str, limit: int = 500) -> list[CaseEvent]:
        raws = await self.redis.zrange(trail_key(case_id), 0, limit - 1)
        return [CaseEvent.model_validate_json(raw) for raw in raws]

    async def queues(self, tenant: str) -> list[QueueStats]:
        """The tenant's queues with open cases: depth, the oldest case's opening, cases past
        their deadline and SLA breaches of the last day; five index reads per queue, however
        many cases they hold."""
        names, now = sorted(await self.redis.smembers(queues_key(tenant))), time.time()
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.zcard(queue_key(tenant, name))
                pipe.zrange(opened_key(tenant, name), 0, 0, withscores=True)
                pipe.zcount(due_key(tenant, name), "-inf", now)
                pipe.zcount(breached_key(tenant, name), now - 86400, "+inf")
            replies = await pipe.execute()
        out = []
        for i, name in enumerate(names):
            depth, oldest, overdue, breaches = replies[4 * i : 4 * i + 4]
            if depth:
                out.append(
                    QueueStats(name, depth, oldest[0][1] if oldest else None, overdue, breaches)
                )
        return out

    async def page(
        self,
        tenant: str,
        queue: str,
        position: paging.Position | None,
        limit: int,
        keep: Callable[[Case], bool],
        max_scan: int = 2000,
    ) -> tuple[list[Case], str | None]:
        """Up to `limit` open cases after `position` that `keep` accepts, in queue order, and
        the cursor of the next page (None when the index has no more)."""
        return await self.scan(queue_key(tenant, queue), position, limit, keep, max_scan=max_scan)

    async def appeals(
        self, tenant: str, position: paging.Position | None, limit: int
    ) -> tuple[list[Case], str | None]:
        """Open appealed cases, in queue order."""
        return await self.scan(appeals_key(tenant), position, limit, lambda _: True)

    async def search(
        self, tenant: str, found: Search, position: paging.Position | None, limit: int
    ) -> tuple[list[Case], str | None]:
        """Cases of every state, newest first, that match the search."""
        if found.post_id:
            case = await self.get(case_id_for(found.post_id))
            hit = case is not None and case.tenant == tenant and found.matches(case)
            return ([case] if hit else []), None  # type: ignore[list-item]
        key = author_cases_key(tenant, found.author_id) if found.author_id else by_time_key(tenant)
        return await self.scan(
            key, position, limit, found.matches, newest_first=True,
            low=found.since.timestamp() if found.since else "-inf",
            high=found.until.timestamp() if found.until else "+inf",
        )  # fmt: skip

    async def scan(
        self,
        key: str,
        position: paging.Position | None,
        limit: int,
        keep: Callable[[Case], bool],
        newest_first: bool = False,
        low: float | str = "-inf",
        high: float | str = "+inf",
        max_scan: int = 2000,
    ) -> tuple[list[Case], str | None]:
        """Up to `limit` cases of the index `key` past `position` that `keep` accepts, and the
        cursor of the next page (None when the index has no more). At most `max_scan` index
        entries are read per call; a filter that matches little returns a short page with a
        cursor to go on from."""
        chunk = min(max(limit + 1, 100), 500)
        if position is not None:
            low, high = (low, position.score) if newest_first else (position.score, high)
        past = paging.before if newest_first else paging.after
        found: list[Case] = []
        offset = scanned = 0
        while True:
            if newest_first:
                entries = await self.redis.zrevrangebyscore(
                    key, high, low, start=offset, num=chunk, withscores=True
                )
            else:
                entries = await self.redis.zrangebyscore(
                    key, low, high, start=offset, num=chunk, withscores=True
                )
            offset += len(entries)
            fresh = past(entries, position)
            cases = {c.case_id: c for c in await self.many([m for m, _ in fresh])}
            for i, (member, score) in enumerate(fresh):
                position = paging.Position(score, member)
                case = cases.get(member)
                if case is not None and keep(case):
                    found.append(case)
                if len(found) == limit:
                    more = i < len(fresh) - 1 or len(entries) == chunk
                    return found, paging.encode(position) if more else None
            scanned += len(entries)
            if len(entries) < chunk:
                return found, None
            if scanned >= max_scan and position is not None:
                return found, paging.encode(position)

    async def many(self, case_ids: list[str]) -> list[Case]:
        raws = await self.redis.mget([case_key(i) for i in case_ids]) if case_ids else []
        return [case_from_json(raw) for raw in raws if raw]

    async def apply_strike(self, strike: StrikeEvent) -> None:
        key = strikes_key(strike.tenant, strike.community, strike.author_id)
        units = [f"{strike.strike_id}#{i}" for i in range(strike.weight)]
        if strike.removed:
            await self.redis.zrem(key, *units)
            return
        days = strike.window_days or NO_WINDOW_DAYS
        expires = strike.occurred_at.timestamp() + days * 86400
        await self.redis.zadd(key, dict.fromkeys(units, expires), nx=True)

    async def strikes(self, tenant: str, community: str | None, author_id: str) -> int:
        """The author's strikes still inside the window of the policy that gave them: the
        count the policy judges the author's next post by."""
        return await self.redis.zcount(
            strikes_key(tenant, community, author_id), time.time(), "+inf"
        )

    async def answer(self, action_id: str, timeout: float) -> CaseEvent | None:
        """The case event that answers a command, once the view has applied it, or None."""
        return await answer_on(self.redis, answer_key(action_id), timeout)


def quality_key(tenant: str, moderator: str, kind: str) -> str:
    return f"desk:quality:{tenant}:{moderator}:{kind}"


def staff_key(tenant: str) -> str:
    return f"desk:quality-staff:{tenant}"


def live_key(tenant: str) -> str:
    return f"desk:live:{tenant}"


def change_of(event: CaseEvent, case: Case) -> dict[str, str]:
    """What the console needs to know a case changed: enough to grey it out or refresh."""
    return {"kind": event.kind.value, "case_id": case.case_id, "queue": case.queue,
            "state": case.state.value, "assignee": case.assignee or ""}  # fmt: skip


def _index(pipe, event: CaseEvent, case: Case, previous: Case | None) -> None:
    """The desk's own indexes over cases: deadlines, breaches, search and appeals."""
    tenant, opened = case.tenant, case.opened_at.timestamp()
    if previous is None:
        pipe.zadd(by_time_key(tenant), {case.case_id: opened})
        pipe.zadd(author_cases_key(tenant, case.author_id), {case.case_id: opened})
    if previous and previous.queue != case.queue:
        pipe.zrem(due_key(tenant, previous.queue), case.case_id)
    if case.is_open and case.sla_deadline:
        pipe.zadd(due_key(tenant, case.queue), {case.case_id: case.sla_deadline.timestamp()})
    else:
        pipe.zrem(due_key(tenant, case.queue), case.case_id)
    if previous and event.kind is CaseEventKind.ESCALATED and event.actor == "system":
        at, key = _at(event), breached_key(tenant, previous.queue)
        pipe.zadd(key, {case.case_id: at})
        pipe.zremrangebyscore(key, "-inf", at - BREACH_MEMORY_SECONDS)
    if case.appealed and case.is_open:
        pipe.zadd(appeals_key(tenant), {case.case_id: queue_rank(case)})
    else:
        pipe.zrem(appeals_key(tenant), case.case_id)


def _at(event: CaseEvent) -> float:
    return event.occurred_at.timestamp()
