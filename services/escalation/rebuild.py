"""Rebuild the Redis view of cases and queues from the case-events topic.

python -m services.escalation.rebuild        # uses KAFKA_BOOTSTRAP_SERVERS and REDIS_URL
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from services.escalation.adapters.cases import CaseStore
from services.escalation.cases_worker import rebuild
from services.escalation.config import Settings


async def main() -> None:
    settings = Settings()
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        applied = await rebuild(settings.kafka_bootstrap_servers, CaseStore(redis))
    finally:
        await redis.aclose()
    print(f"rebuilt the case view from {applied} case events")


if __name__ == "__main__":
    asyncio.run(main())
