"""Rebuild every view the desk builds from Kafka, then exit.

    python -m services.desk.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops the key families below and replays, through the projection table the live consumer
uses (`handlers.PROJECTIONS`), their topics into them:
- credentials (`desk:credential*`) and published policies (`desk:published-policies:*`);
- cases, queues, audit trails and strike counts (`desk:case*`, `desk:queue*`,
  `desk:strikes:*`, ...);
- communities' mood windows, states and alerts (`desk:mood:*`, `desk:communit*`), from pulse's
  topics, and their crisis mode (`desk:crisis:*`) from escalation's.

Console sessions, rate-limit windows and unanswered commands are not views of a topic: they
are kept as they are. Stop the desk while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.desk.adapters import cases, communities, credentials, policies
from services.desk.adapters.cases import CaseBoard
from services.desk.adapters.communities import Communities
from services.desk.adapters.credentials import CredentialStore
from services.desk.adapters.policies import PolicyRegistry
from services.desk.config import Settings
from services.desk.handlers import PROJECTIONS, Views
from services.shared.rebuild import command_line, rebuild_views

FAMILIES = (
    *credentials.FAMILIES,
    *policies.FAMILIES,
    *cases.FAMILIES,
    *communities.FAMILIES,
)


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    return await rebuild_views(settings or Settings(), FAMILIES, PROJECTIONS, views_of)


def views_of(redis: Redis) -> Views:
    return Views(
        CaseBoard(redis), Communities(redis), CredentialStore(redis), PolicyRegistry(redis)
    )


if __name__ == "__main__":
    command_line("services.desk.rebuild", __doc__ or "", rebuild)
