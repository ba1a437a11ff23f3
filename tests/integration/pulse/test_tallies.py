"""Pulse's open-window index on real Redis: a member that is not a window cannot stall closing."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis

from services.pulse.adapters.tallies import SEP, Observation, OpenWindow, Tallies
from services.pulse.domain.mood import Community
from tests.conftest import Infra

pytestmark = pytest.mark.integration


async def test_an_unreadable_window_is_dropped_and_the_due_ones_still_close(infra: Infra) -> None:
    # a database of its own: a running pulse would close the due window itself
    redis = Redis.from_url(infra.redis_url.rsplit("/", 1)[0] + "/7", decode_responses=True)
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    good = OpenWindow(Community(tenant, "games"), 60, 0)
    poison = SEP.join((tenant, "games", "support", "60", "0"))
    try:
        await redis.zadd("pulse:open", {poison: 1.0, good.member: 2.0})
        await redis.hset(f"pulse:tally:{poison}", "volume", 3)
        due = await Tallies(redis, [60], 3).due(until=10.0)
        assert good in due
        assert await redis.zscore("pulse:open", poison) is None
        assert not await redis.exists(f"pulse:tally:{poison}")  # its counters go with it
        assert await redis.zscore("pulse:open", good.member) == 2.0
    finally:
        await redis.zrem("pulse:open", poison, good.member)
        await redis.delete(f"pulse:tally:{poison}")
        await redis.aclose()


async def test_a_batch_is_summed_per_window_and_counts_as_each_post_would(infra: Infra) -> None:
    redis = Redis.from_url(infra.redis_url.rsplit("/", 1)[0] + "/7", decode_responses=True)
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    games, music = Community(tenant, "games"), Community(tenant, "music")
    tallies = Tallies(redis, [60, 3600], 2)
    late = OpenWindow(music, 60, 0)
    batch = [
        Observation("scored", f"{tenant}-p{i}", games, 10.0 + i, {"volume": 1, "toxic": i % 2},
                    negative=bool(i % 2))
        for i in range(5)
    ] + [
        Observation("strike", f"{tenant}-s1", games, 70.0, {"strikes": 2}, author_strikes=("a", 2)),
        Observation("strike", f"{tenant}-s2", games, 71.0, {"strikes": -1}, author_strikes=("a", -1)),
        Observation("scored", f"{tenant}-m1", music, 5.0, {"volume": 1}),
    ]  # fmt: skip
    windows = [
        OpenWindow(games, 60, 0), OpenWindow(games, 60, 60), OpenWindow(games, 3600, 0),
        OpenWindow(music, 3600, 0), late,
    ]  # fmt: skip
    try:
        await redis.set(f"pulse:closed:{late.member}", 1)
        assert await tallies.count(batch) == (8, 1)  # music's minute closed: one count late
        assert await tallies.count(batch[:2]) == (0, 0)  # redelivered: nothing twice
        minute, next_minute, hour, music_hour, _ = [await tallies.read(w) for w in windows]
        assert minute == ({"volume": 5, "toxic": 2}, [f"{tenant}-p3", f"{tenant}-p1"], [])
        assert next_minute == ({"strikes": 1}, [], [("a", 1)])
        assert hour == ({"volume": 5, "toxic": 2, "strikes": 1}, [f"{tenant}-p3", f"{tenant}-p1"],
                        [("a", 1)])  # fmt: skip
        assert music_hour[0] == {"volume": 1}
        assert await tallies.read(late) == ({}, [], [])
        due = await redis.zrangebyscore("pulse:open", "-inf", "+inf")
        assert {w.member for w in windows[:4]} <= set(due) and late.member not in due
    finally:
        await redis.zrem("pulse:open", *(w.member for w in windows))
        await redis.delete(f"pulse:closed:{late.member}")
        for w in windows:
            await tallies.close(w)
        await redis.aclose()
