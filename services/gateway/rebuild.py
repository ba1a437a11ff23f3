"""Rebuild every view the gateway builds from Kafka, then exit.

    python -m services.gateway.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops the key families below and replays their topics into them:
- platform keys (`gateway:key:*`) and webhooks (`gateway:webhook*`);
- decisions, sanctions and the feed (`gateway:decision*`, `gateway:author-decisions:*`,
  `gateway:sanction*`, `gateway:feed:*`): a rebuilt feed has new cursors;
- submitted posts still pending (`gateway:post:*`).

No webhook is sent again. Pending webhook deliveries and their dead letters, the community
alerts already sent and rate-limit windows are not views of a topic: they are kept as they are
(run Redis with AOF). Stop the gateway while it runs.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import (
    AuthorSanctioned,
    CredentialEvent,
    Decision,
    PostSubmitted,
    WebhookEvent,
)
from services.gateway.adapters import decisions, webhooks
from services.gateway.config import Settings
from services.shared.kafka import read_events
from services.shared.keys import PlatformKeys, families
from services.shared.rebuild import command_line, drop

FAMILIES = (*families("gateway"), *webhooks.FAMILIES, *decisions.FAMILIES)


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()
    bootstrap = settings.kafka_bootstrap_servers
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    store = decisions.DecisionStore(redis)
    counts: dict[str, int] = {}

    async def replay(name: str, topic: str, model, apply) -> None:
        counts[name] = 0
        async for event in read_events(bootstrap, topic, model):
            counts[name] += bool(await apply(event) is not False)

    async def replay_batches(name: str, topic: str, model, apply_many, size: int = 500) -> None:
        """For the largest topic: a batch of events per round trip."""
        counts[name], batch = 0, []
        async for event in read_events(bootstrap, topic, model):
            batch.append(event)
            if len(batch) == size:
                counts[name] += sum(await apply_many(batch))
                batch = []
        counts[name] += sum(await apply_many(batch))

    try:
        await drop(redis, FAMILIES)
        await replay(
            "keys",
            topics.CREDENTIALS,
            CredentialEvent,
            PlatformKeys(redis, "gateway").apply,
        )
        await replay("webhooks", topics.WEBHOOKS, WebhookEvent, webhooks.WebhookStore(redis).apply)
        await replay_batches("decisions", topics.DECISIONS, Decision, store.store_many)
        await replay("sanctions", topics.SANCTIONS, AuthorSanctioned, store.store_sanction)
        await replay("posts", topics.POSTS_SUBMITTED, PostSubmitted, _pending_into(redis, settings))
    finally:
        await redis.aclose()
    return counts


def _pending_into(redis: Redis, settings: Settings):
    """Only posts still inside the pending window are remembered, for the time they have left."""

    async def apply(event: PostSubmitted) -> bool:
        left = int(event.occurred_at.timestamp() + settings.known_post_ttl_seconds - time.time())
        if left <= 0:
            return False
        await decisions.KnownPosts(redis, left).add([event])
        return True

    return apply


if __name__ == "__main__":
    command_line("services.gateway.rebuild", __doc__ or "", rebuild)
