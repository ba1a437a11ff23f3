"""Rebuild every view outreach builds from Kafka, then exit.

    python -m services.outreach.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops the open cases and first-response counts (`outreach:case:*`, `outreach:responses:*`) and
the reply templates (`outreach:reply-templates:*`) and the themes' owners
(`outreach:themes:*`) and the digest subscriptions (`outreach:digests:*`, each due at its next
hour again), and replays the case-events, reply-templates, themes and digest-subscriptions
topics into them, and the communities' health (`outreach:health*`) from the case-events, mood,
community-alerts and crisis topics through the projection table the live consumer uses. Which
replies and digests were sent (`outreach:reply-sent:*`, `outreach:digest-sent:*`) and the
digests' last outcomes are kept: the gateway also sends each reply once.
Stop outreach while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.outreach.adapters import cases, digests, health, templates, themes
from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.digests import DigestBook
from services.outreach.adapters.health import HealthBook
from services.outreach.adapters.templates import ReplyTemplates
from services.outreach.adapters.themes import ThemeBook
from services.outreach.config import Settings
from services.outreach.handlers import PROJECTIONS, Views
from services.shared.rebuild import command_line, rebuild_views

FAMILIES = (
    *cases.FAMILIES,
    *templates.FAMILIES,
    *themes.FAMILIES,
    *digests.FAMILIES,
    *health.FAMILIES,
)


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()

    def views_of(redis: Redis) -> Views:
        return Views(OpenCases(redis), ReplyTemplates(redis), ThemeBook(redis),
                     DigestBook(redis), HealthBook(redis, settings.report_window_seconds))  # fmt: skip

    return await rebuild_views(settings, FAMILIES, PROJECTIONS, views_of)


if __name__ == "__main__":
    command_line("services.outreach.rebuild", __doc__ or "", rebuild)
