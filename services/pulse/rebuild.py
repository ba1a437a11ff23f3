"""Rebuild pulse's wave detectors and its feedback remarks from Kafka, then exit.

    python -m services.pulse.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Driven by the projection table in `handlers.py`: drops `pulse:detector:*` and steps each
community's detector again over its windows on the mood topic (the same steps give the same
state, and no alert is published again: they are on their topic); drops `pulse:feedback:*` and
keeps again the civil criticism of the scored-posts topic and the cases opened in the feedback
queue, and `pulse:themes:*` from the themes topic (how the product team owns them). Windows still open when Redis was lost (`pulse:tally:*`) are not on any topic: they are
lost, at most one window of each length. Stop pulse while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.pulse import handlers
from services.pulse.adapters import detectors, feedback
from services.pulse.adapters.detectors import Detectors
from services.pulse.adapters.feedback import FeedbackBook
from services.pulse.adapters.tallies import Tallies
from services.pulse.app import tunings_of
from services.pulse.config import Settings
from services.pulse.sentiment import Sentiment
from services.shared.rebuild import command_line, rebuild_views


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()

    def views_of(redis: Redis) -> handlers.Pulse:
        return handlers.Pulse(
            Tallies(redis, settings.windows, settings.pulse_samples), Detectors(redis),
            Sentiment(), tunings_of(settings), settings.windows[0],
            FeedbackBook(redis, settings.pulse_feedback_keep), settings.pulse_feedback_queue,
        )  # fmt: skip

    families = (*detectors.FAMILIES, *feedback.FAMILIES)
    return await rebuild_views(settings, families, handlers.PROJECTIONS, views_of)


if __name__ == "__main__":
    command_line("services.pulse.rebuild", __doc__ or "", rebuild)
