"""Rebuild the gateway's Redis state from Kafka: credentials, webhooks, policies, decisions.

  python -m services.gateway.rebuild

Replaying is idempotent (latest credential and webhook events win; decisions keep the newest
revision), so it can run against a partly filled Redis. A rebuilt feed has new cursors, and
no webhook is sent again.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import CredentialEvent, Decision, PolicyPublished, WebhookEvent
from services.escalation.domain.policy_text import PolicyError, published_policy
from services.gateway.adapters.credentials import CredentialStore
from services.gateway.adapters.decisions import DecisionStore
from services.gateway.adapters.policies import PolicyRegistry
from services.gateway.adapters.webhooks import WebhookStore
from services.gateway.config import Settings
from services.shared.kafka import read_topic


async def rebuild(settings: Settings) -> dict[str, int]:
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    credentials, hooks = CredentialStore(redis), WebhookStore(redis)
    decisions = DecisionStore(redis)
    counts = {"credentials": 0, "webhooks": 0, "policies": 0, "decisions": 0}
    try:
        async for value in read_topic(settings.kafka_bootstrap_servers, topics.CREDENTIALS):
            await credentials.apply(CredentialEvent.model_validate_json(value))
            counts["credentials"] += 1
        async for value in read_topic(settings.kafka_bootstrap_servers, topics.WEBHOOKS):
            await hooks.apply(WebhookEvent.model_validate_json(value))
            counts["webhooks"] += 1
        registry = PolicyRegistry(redis)
        async for value in read_topic(settings.kafka_bootstrap_servers, topics.POLICIES):
            event = PolicyPublished.model_validate_json(value)
            try:
                policy = published_policy(event.tenant, event.name, event.text, event.withdrawn)
            except PolicyError:
                continue  # escalation dead-letters it too; it never applied
            await registry.apply(event, *((policy.id, policy.version) if policy else ()))
            counts["policies"] += 1
        async for value in read_topic(settings.kafka_bootstrap_servers, topics.DECISIONS):
            counts["decisions"] += await decisions.store(Decision.model_validate_json(value))
    finally:
        await redis.aclose()
    return counts


if __name__ == "__main__":
    print(asyncio.run(rebuild(Settings())))
