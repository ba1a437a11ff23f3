"""Rebuild every view outreach builds from Kafka, then exit.

    python -m services.outreach.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops the open cases and first-response counts (`outreach:case:*`, `outreach:responses:*`) and
the reply templates (`outreach:reply-templates:*`) and the themes' owners
(`outreach:themes:*`) and the digest subscriptions (`outreach:digests:*`, each due at its next
hour again), and replays the case-events, reply-templates, themes and digest-subscriptions
topics into them through the projection table the live consumer uses. Which
replies and digests were sent (`outreach:reply-sent:*`, `outreach:digest-sent:*`) and the
digests' last outcomes are kept: the gateway also sends each reply once.
Stop outreach while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.outreach.adapters import cases, digests, templates, themes
from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.digests import DigestBook
from services.outreach.adapters.templates import ReplyTemplates
from services.outreach.adapters.themes import ThemeBook
from services.outreach.config import Settings
from services.outreach.handlers import PROJECTIONS, Views
from services.shared.rebuild import command_line, rebuild_views

FAMILIES = (*cases.FAMILIES, *templates.FAMILIES, *themes.FAMILIES, *digests.FAMILIES)


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    return await rebuild_views(settings or Settings(), FAMILIES, PROJECTIONS, views_of)


def views_of(redis: Redis) -> Views:
    return Views(OpenCases(redis), ReplyTemplates(redis), ThemeBook(redis), DigestBook(redis))


if __name__ == "__main__":
    command_line("services.outreach.rebuild", __doc__ or "", rebuild)
