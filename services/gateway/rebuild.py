"""Rebuild every view the gateway builds from Kafka, then exit.

    python -m services.gateway.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops the key families below and replays, through the projection table the live consumers
use (`handlers.PROJECTIONS`), their topics into them:
- platform keys (`gateway:key:*`) and webhooks (`gateway:webhook*`);
- decisions, sanctions and the feed (`gateway:decision*`, `gateway:author-decisions:*`,
  `gateway:sanction*`, `gateway:feed:*`): a rebuilt feed has new cursors;
- Perspective score maps, every version (`gateway:score-map:*`);
- submitted posts still pending (`gateway:post:*`), and what they said with their threads
  for `CONVERSATION_KEEP_HOURS` (`gateway:said:*`, `gateway:thread:*`).

No webhook is sent again. Pending webhook deliveries and their dead letters, the community
alerts already sent and rate-limit windows are not views of a topic: they are kept as they are
(run Redis with AOF). Stop the gateway while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.gateway.adapters import decisions, posts, score_maps, webhooks
from services.gateway.config import Settings
from services.gateway.handlers import PROJECTIONS, Views
from services.shared.keys import PlatformKeys, families
from services.shared.rebuild import command_line, rebuild_views

FAMILIES = (
    *families("gateway"), *webhooks.FAMILIES, *decisions.FAMILIES, *posts.FAMILIES,
    *score_maps.FAMILIES,
)  # fmt: skip


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()

    def views_of(redis: Redis) -> Views:
        return Views(
            decisions.DecisionStore(redis),
            posts.KnownPosts(redis, settings.known_post_ttl_seconds, settings.said_seconds),
            webhooks.WebhookStore(redis),
            webhooks.DeliveryQueue(redis),
            PlatformKeys(redis, "gateway"),
            score_maps.ScoreMaps(redis),
        )

    return await rebuild_views(settings, FAMILIES, PROJECTIONS, views_of)


if __name__ == "__main__":
    command_line("services.gateway.rebuild", __doc__ or "", rebuild)
