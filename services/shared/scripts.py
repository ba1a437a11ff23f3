"""One Lua script run many times in one round trip, without asking first whether Redis has it.

redis-py's pipelines send SCRIPT EXISTS before every pipeline that runs a script: a second
round trip each time, for an answer that is yes unless Redis lost its scripts (a restart, a
failover, SCRIPT FLUSH). Here the pipeline sends EVALSHA straight away; only if Redis answers
NOSCRIPT is the script loaded and the pipeline sent again. Use it for scripts that are safe to
run twice (as every script here is: they are idempotent writes), since a pipeline is not a
transaction: in a pipeline that NOSCRIPT failed no call of the script ran, but another client's
SCRIPT FLUSH between two calls is the case this cannot rule out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

Call = tuple[Sequence[Any], Sequence[Any]]  # (keys, args)


async def run_many(redis: Redis, script: AsyncScript, calls: Sequence[Call]) -> list[Any]:
    """Each call's answer, in order; the first error raised, as a pipeline would."""
    if not calls:
        return []
    for _ in range(2):
        async with redis.pipeline(transaction=False) as pipe:
            for keys, args in calls:
                pipe.evalsha(script.sha, len(keys), *keys, *args)
            answers = await pipe.execute(raise_on_error=False)
        if not any(isinstance(a, NoScriptError) for a in answers):
            break
        await redis.script_load(script.script)
    for answer in answers:
        if isinstance(answer, Exception):
            raise answer
    return answers
