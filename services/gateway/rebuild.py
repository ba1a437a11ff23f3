"""Rebuild every view the gateway builds from Kafka, then exit.

    python -m services.gateway.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops the key families below and replays their topics into them:
- credentials (`gateway:credential*`) and webhooks (`gateway:webhook*`);
- published policies (`gateway:published-policies:*`);
- decisions, sanctions and the feed (`gateway:decision*`, `gateway:author-decisions:*`,
  `gateway:sanction*`, `gateway:feed:*`): a rebuilt feed has new cursors;
- submitted posts still pending (`gateway:post:*`), cases, queues, audit trails and strike
  counts (`gateway:case*`, `gateway:queue*`, `gateway:strikes:*`);
- communities' mood windows, states and alerts (`gateway:mood:*`, `gateway:communit*`), from
  pulse's topics, and their crisis mode (`gateway:crisis:*`) from escalation's.

No webhook is sent again. Pending webhook deliveries and their dead letters, rate-limit
windows and unanswered commands are not views of a topic: they are kept as they are (run
Redis with AOF). Stop the gateway while it runs.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import (
    AuthorSanctioned,
    CaseEvent,
    CommunityAlert,
    CredentialEvent,
    CrisisChanged,
    Decision,
    MoodWindow,
    PolicyPublished,
    PostSubmitted,
    StrikeEvent,
    WebhookEvent,
)
from services.gateway.adapters import (
    cases,
    communities,
    credentials,
    decisions,
    policies,
    webhooks,
)
from services.gateway.config import Settings
from services.policy.text import PolicyError, published_policy
from services.shared.kafka import read_events
from services.shared.rebuild import command_line, drop

FAMILIES = (
    *credentials.FAMILIES,
    *webhooks.FAMILIES,
    *policies.FAMILIES,
    *decisions.FAMILIES,
    *cases.FAMILIES,
    *communities.FAMILIES,
)


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()
    bootstrap = settings.kafka_bootstrap_servers
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    store = decisions.DecisionStore(redis)
    board = cases.CaseBoard(redis)
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
            "credentials",
            topics.CREDENTIALS,
            CredentialEvent,
            credentials.CredentialStore(redis).apply,
        )
        await replay("webhooks", topics.WEBHOOKS, WebhookEvent, webhooks.WebhookStore(redis).apply)
        await replay("policies", topics.POLICIES, PolicyPublished, _policy_into(redis))
        await replay_batches("decisions", topics.DECISIONS, Decision, store.store_many)
        await replay("sanctions", topics.SANCTIONS, AuthorSanctioned, store.store_sanction)
        await replay("posts", topics.POSTS_SUBMITTED, PostSubmitted, _pending_into(redis, settings))
        await replay("case_events", topics.CASE_EVENTS, CaseEvent, _case_into(board))
        await replay("strikes", topics.STRIKES, StrikeEvent, board.apply_strike)
        moods = communities.Communities(redis)
        await replay("mood_windows", topics.MOOD, MoodWindow, moods.apply_window)
        await replay("community_alerts", topics.COMMUNITY_ALERTS, CommunityAlert, moods.apply_alert)
        await replay("crisis", topics.CRISIS, CrisisChanged, moods.apply_crisis)
    finally:
        await redis.aclose()
    return counts


def _policy_into(redis: Redis):
    registry = policies.PolicyRegistry(redis)

    async def apply(event: PolicyPublished) -> bool:
        try:
            policy = published_policy(event.tenant, event.name, event.text, event.withdrawn)
        except PolicyError:
            return False  # escalation dead-letters it too; it never applied
        await registry.apply(event, *((policy.id, policy.version) if policy else ()))
        return True

    return apply


def _pending_into(redis: Redis, settings: Settings):
    """Only posts still inside the pending window are remembered, for the time they have left."""

    async def apply(event: PostSubmitted) -> bool:
        left = int(event.occurred_at.timestamp() + settings.known_post_ttl_seconds - time.time())
        if left <= 0:
            return False
        await decisions.KnownPosts(redis, left).add([event])
        return True

    return apply


def _case_into(board: cases.CaseBoard):
    async def apply(event: CaseEvent) -> None:
        await board.apply(event, answer=False)

    return apply


if __name__ == "__main__":
    command_line("services.gateway.rebuild", __doc__ or "", rebuild)
