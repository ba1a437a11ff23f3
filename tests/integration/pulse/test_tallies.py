"""Pulse's open-window index on real Redis: a member that is not a window cannot stall closing."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis

from services.pulse.adapters.tallies import SEP, OpenWindow, Tallies
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
