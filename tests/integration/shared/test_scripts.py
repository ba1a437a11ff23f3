"""A script run many times in one round trip, on the real Redis: no SCRIPT EXISTS before it,
and a Redis that lost its scripts (SCRIPT FLUSH, as after a restart) is given it again."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from services.shared.scripts import run_many
from tests.conftest import Infra

# a fresh script for each run of the test, so no other test has loaded it
SCRIPT = "return redis.call('INCRBY', KEYS[1], ARGV[1]) -- {}"


async def script_exists_calls(redis: Redis) -> int:
    stats = await redis.info("commandstats")
    return int(stats.get("cmdstat_script|exists", {}).get("calls", 0))


async def test_runs_without_asking_and_reloads_a_lost_script(infra: Infra) -> None:
    redis = Redis.from_url(infra.redis_url, decode_responses=True)
    try:
        script = redis.register_script(SCRIPT.format(uuid.uuid4().hex))
        key = f"test:scripts:{uuid.uuid4().hex}"
        asked = await script_exists_calls(redis)
        assert await run_many(redis, script, [([key], [2]), ([key], [3])]) == [2, 5]  # loaded
        assert await run_many(redis, script, [([key], [1])]) == [6]
        await redis.script_flush()
        assert await run_many(redis, script, [([key], [4])]) == [10]  # once, after NOSCRIPT
        assert await script_exists_calls(redis) == asked
        assert await run_many(redis, script, []) == []
        await redis.delete(key)
    finally:
        await redis.aclose()
