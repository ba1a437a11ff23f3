"""The gateway's case indexes on an in-memory Redis: queue health, search, appeals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import fakeredis
import pytest

from services.contracts.cases import Case, CaseState, case_id_for
from services.contracts.events import Action, CaseEvent, CaseEventKind
from services.desk.adapters.cases import CaseBoard
from services.desk.domain.quality import quality_of
from services.desk.domain.search import Search
from services.shared import paging

NOW = datetime.now(UTC)


@pytest.fixture
async def board() -> AsyncIterator[CaseBoard]:
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    yield CaseBoard(redis)
    await redis.aclose()


def event(case: str, kind: CaseEventKind, **fields) -> CaseEvent:
    base = {"case_id": case, "post_id": f"p-{case}", "tenant": "acme", "author_id": "u1",
            "queue": "safety", "actor": "system", "kind": kind}  # fmt: skip
    return CaseEvent(**{**base, **fields})


async def opened(board: CaseBoard, case: str, minutes_ago: int = 0, **fields) -> None:
    at = NOW - timedelta(minutes=minutes_ago)
    await board.apply(event(case, CaseEventKind.OPENED, occurred_at=at, priority=1, **fields))


async def test_a_queue_counts_overdue_cases_and_breaches_of_its_sla(board: CaseBoard) -> None:
    await opened(board, "late", 30, sla_deadline=NOW - timedelta(minutes=5))
    await opened(board, "fine", 1, sla_deadline=NOW + timedelta(hours=1))
    await opened(board, "breached", 60, sla_deadline=NOW - timedelta(minutes=1))
    await board.apply(
        event("breached", CaseEventKind.ESCALATED, queue="urgent", reason="SLA breached")
    )
    stats = {q.queue: q for q in await board.queues("acme")}
    assert (stats["safety"].depth, stats["safety"].overdue) == (2, 1)
    assert stats["safety"].breaches_24h == 1
    assert (stats["urgent"].depth, stats["urgent"].breaches_24h) == (1, 0)


async def test_a_moderator_moving_a_case_is_no_breach(board: CaseBoard) -> None:
    await opened(board, "c1", 5, sla_deadline=NOW + timedelta(hours=1))
    await board.apply(event("c1", CaseEventKind.CLAIMED, actor="mo"))
    await board.apply(event("c1", CaseEventKind.ESCALATED, actor="mo", queue="urgent"))
    assert [q.queue for q in await board.queues("acme")] == ["urgent"]
    assert await board.redis.zcard("gateway:queue-breached:acme:safety") == 0


async def test_search_finds_resolved_cases_newest_first_and_pages(board: CaseBoard) -> None:
    for n in range(5):
        await opened(board, f"c{n}", 50 - n, community="games" if n % 2 else "news")
    await board.apply(event("c1", CaseEventKind.CLAIMED, actor="mo"))
    await board.apply(event("c1", CaseEventKind.RESOLVED, actor="mo", resolution=Action.REMOVE))
    everything, cursor = await board.search("acme", Search(), None, 3)
    assert [c.case_id for c in everything] == ["c4", "c3", "c2"] and cursor
    rest, end = await board.search("acme", Search(), paging.decode(cursor), 3)
    assert [c.case_id for c in rest] == ["c1", "c0"] and end is None
    resolved, _ = await board.search("acme", Search(state=CaseState.RESOLVED), None, 10)
    assert [c.case_id for c in resolved] == ["c1"]
    games, _ = await board.search("acme", Search(community="games"), None, 10)
    assert [c.case_id for c in games] == ["c3", "c1"]
    window = Search(since=NOW - timedelta(minutes=48), until=NOW - timedelta(minutes=46.5))
    assert [c.case_id for c in (await board.search("acme", window, None, 10))[0]] == ["c3", "c2"]


async def test_search_by_post_or_author_stays_in_the_tenant(board: CaseBoard) -> None:
    first, second = case_id_for("p-c1"), case_id_for("p-c2")
    await opened(board, first, author_id="ann", post_id="p-c1")
    await opened(board, second, author_id="bob", post_id="p-c2")
    by_post, _ = await board.search("acme", Search(post_id="p-c2"), None, 10)
    assert [c.case_id for c in by_post] == [second]
    assert (await board.search("other", Search(post_id="p-c2"), None, 10))[0] == []
    by_author, _ = await board.search("acme", Search(author_id="ann"), None, 10)
    assert [c.case_id for c in by_author] == [first]


async def test_appeals_list_holds_open_appealed_cases_only(board: CaseBoard) -> None:
    await opened(board, "c1")
    await board.apply(event("c1", CaseEventKind.CLAIMED, actor="mo"))
    await board.apply(event("c1", CaseEventKind.RESOLVED, actor="mo", resolution=Action.REMOVE))
    assert (await board.appeals("acme", None, 10))[0] == []
    await board.apply(event("c1", CaseEventKind.APPEALED, actor="mo2"))
    (appealed,), _ = await board.appeals("acme", None, 10)
    assert (appealed.case_id, appealed.first_decider) == ("c1", "mo")
    await board.apply(event("c1", CaseEventKind.CLAIMED, actor="mo2"))
    await board.apply(event("c1", CaseEventKind.RESOLVED, actor="mo2", resolution=Action.ALLOW))
    assert (await board.appeals("acme", None, 10))[0] == []


def test_an_appeal_decided_by_a_second_moderator_counts_as_upheld_or_overturned() -> None:
    at = datetime(2026, 12, 7, tzinfo=UTC)
    opened = Case(case_id="c1", post_id="p1", tenant="t", author_id="a", community=None,
                  queue="q", priority=1, sla_deadline=None, opened_at=at)  # fmt: skip
    first = replace(opened, state=CaseState.RESOLVED, first_decider="mo1", resolution=Action.REMOVE)

    def event(kind: CaseEventKind, actor: str, resolution: Action | None = None) -> CaseEvent:
        return CaseEvent(case_id="c1", post_id="p1", tenant="t", author_id="a", kind=kind,
                         queue="q", actor=actor, resolution=resolution)  # fmt: skip

    decided = quality_of(event(CaseEventKind.RESOLVED, "mo1", Action.REMOVE), opened)
    assert decided == [("mo1", "decided")]
    assert quality_of(event(CaseEventKind.APPEALED, "mo1"), first) == [("mo1", "appealed")]
    on_appeal = replace(first, appealed=True, state=CaseState.CLAIMED, assignee="mo2")
    overturned = quality_of(event(CaseEventKind.RESOLVED, "mo2", Action.ALLOW), on_appeal)
    upheld = quality_of(event(CaseEventKind.RESOLVED, "mo2", Action.REMOVE), on_appeal)
    assert overturned == [("mo1", "overturned"), ("mo2", "reviewed")]
    assert upheld == [("mo1", "upheld"), ("mo2", "reviewed")]
    assert quality_of(event(CaseEventKind.OPENED, "system"), None) == []
    copy = replace(opened, golden_id="gold-1", state=CaseState.CLAIMED, assignee="mo2")
    assert quality_of(event(CaseEventKind.RESOLVED, "mo2", Action.REMOVE), copy) == []
