"""The cases, as outreach keeps them from the case-events topic: what a reply needs to know of
the case of the post it answers (tenant, author, community, state, who holds it), the moment a
case gets its first response, and each change's count in the community's health. A resolved
case is kept 30 days (an appeal reopens it), then leaves: the view holds the open cases and the
recently resolved ones, never all of history.

outreach:case:{case_id}    the folded case, while open and 30 days after (JSON)
outreach:case-answer:{id}  the case event that recorded a reply, briefly (a list to BLPOP)
outreach:reply-sent:{id}   a reply published (for 30 days): the same reply is not sent again
outreach:case-post:{id}    the post of a case replied on (30 days): a retry finds the reply
"""

from __future__ import annotations

from datetime import date

from redis.asyncio import Redis

from services.contracts.cases import Case, case_from_json, case_to_json, fold
from services.contracts.events import CaseEvent, CaseEventKind
from services.outreach.adapters import health, responses
from services.outreach.domain.responses import ResponseTimes
from services.shared.queues import answer_on

FAMILIES = ("outreach:case:*", *responses.FAMILIES)  # rebuilt; sent replies are remembered
SENT_MEMORY_SECONDS = 30 * 86400
RESOLVED_KEPT_SECONDS = 30 * 86400  # appeals come within the policies' appeal window
ANSWER_TTL_SECONDS = 300
# what escalation makes of a reply (a rejection may answer a moderator's command instead: it is
# kept briefly all the same, as no one waits on it)
RECORDS_A_REPLY = (CaseEventKind.ANSWERED, CaseEventKind.RESPONDED, CaseEventKind.REJECTED)


def case_key(case_id: str) -> str:
    return f"outreach:case:{case_id}"


def sent_key(reply_id: str) -> str:
    return f"outreach:reply-sent:{reply_id}"


def case_post_key(case_id: str) -> str:
    return f"outreach:case-post:{case_id}"


def answer_key(reply_id: str) -> str:
    return f"outreach:case-answer:{reply_id}"


class OpenCases:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, event: CaseEvent, live: bool) -> None:
        """Fold one event; count a first response; live, hand a reply's event to whoever
        waits for it."""
        before = await self.get(event.case_id)
        after = fold(before, event)
        async with self.redis.pipeline(transaction=True) as pipe:
            if after is not None and after != before:
                responses.record(pipe, after, before)
                health.record_case(pipe, event, before, after)
                # a resolved case is kept a while: an appeal reopens it (and may overturn it)
                expiry = None if after.is_open else RESOLVED_KEPT_SECONDS
                pipe.set(case_key(after.case_id), case_to_json(after), ex=expiry)
            if live and event.action_id and event.kind in RECORDS_A_REPLY:
                pipe.rpush(answer_key(event.action_id), event.model_dump_json())
                pipe.expire(answer_key(event.action_id), ANSWER_TTL_SECONDS)
            await pipe.execute()

    async def sent_on(self, reply_id: str, tenant: str) -> str | None:
        """The post the reply was sent on, if it was (by this platform)."""
        found = await self.redis.get(sent_key(reply_id))
        sent_by, _, post_id = (found or "").partition("\x1f")
        return post_id if found and sent_by == tenant else None

    async def mark_sent(
        self, reply_id: str, tenant: str, post_id: str, case_id: str | None
    ) -> None:
        """Remembered for 30 days, with the post of the case it answered (a retry on a case
        the reply closed finds it)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(sent_key(reply_id), f"{tenant}\x1f{post_id}", ex=SENT_MEMORY_SECONDS)
            if case_id:
                pipe.set(case_post_key(case_id), post_id, ex=SENT_MEMORY_SECONDS)
            await pipe.execute()

    async def post_replied_on(self, case_id: str) -> str | None:
        """The post of a case a reply was sent on (within 30 days)."""
        return await self.redis.get(case_post_key(case_id))

    async def response_times(self, tenant: str, first: date, last: date) -> list[ResponseTimes]:
        """First responses per community and queue, for the days from `first` to `last`."""
        return await responses.response_times(self.redis, tenant, first, last)

    async def open_case(self, case_id: str) -> Case | None:
        found = await self.get(case_id)
        return found if found is not None and found.is_open else None

    async def get(self, case_id: str) -> Case | None:
        raw = await self.redis.get(case_key(case_id))
        return case_from_json(raw) if raw else None

    async def answer(self, reply_id: str, timeout: float) -> CaseEvent | None:
        """The case event that recorded the reply, once folded here, or None."""
        return await answer_on(self.redis, answer_key(reply_id), timeout)
