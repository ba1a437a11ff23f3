"""Records a tenant's index set names (credentials, webhooks), read with one MGET."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel
from redis.asyncio import Redis

M = TypeVar("M", bound=BaseModel)


async def load_indexed(
    redis: Redis, index: str, key_of: Callable[[str], str], model: type[M]
) -> list[M]:
    """Every record named in the set `index`, in id order; ids whose record is gone are skipped."""
    ids = sorted(await redis.smembers(index))
    raws = await redis.mget([key_of(i) for i in ids]) if ids else []
    return [model.model_validate_json(raw) for raw in raws if raw]
