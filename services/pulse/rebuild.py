"""Rebuild pulse's wave detectors and its feedback remarks from Kafka, then exit.

    python -m services.pulse.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops `pulse:detector:*` and steps each community's detector again over its windows on the
mood topic: the same steps give the same state, and no alert is published again (they are on
their topic). Drops `pulse:feedback:*` and keeps again the civil criticism of the scored-posts
topic and the cases opened in the feedback queue. Windows still open when Redis was lost (`pulse:tally:*`) are not on any topic:
they are lost, at most one window of each length. Stop pulse while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import CaseEvent, MoodWindow, PostScored
from services.pulse import handlers
from services.pulse.adapters import detectors, feedback
from services.pulse.adapters.detectors import Detectors
from services.pulse.adapters.feedback import FeedbackBook
from services.pulse.adapters.tallies import Tallies
from services.pulse.app import tunings_of
from services.pulse.config import Settings
from services.pulse.sentiment import Sentiment
from services.shared.kafka import read_events
from services.shared.rebuild import command_line, drop


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    deps = handlers.Pulse(
        Tallies(redis, settings.windows, settings.pulse_samples), Detectors(redis), Sentiment(),
        tunings_of(settings), settings.windows[0],
        FeedbackBook(redis, settings.pulse_feedback_keep), settings.pulse_feedback_queue,
    )  # fmt: skip
    bootstrap = settings.kafka_bootstrap_servers
    counts = {"windows": 0, "remarks": 0}
    try:
        await drop(redis, (*detectors.FAMILIES, *feedback.FAMILIES))
        async for window in read_events(bootstrap, topics.MOOD, MoodWindow):
            await handlers.apply_window(window, None, deps)
            counts["windows"] += 1
        async for scored in read_events(bootstrap, topics.POSTS_SCORED, PostScored):
            sentiment = (
                deps.sentiment.score(scored.post.text) if handlers.needs_lexicon(scored) else None
            )
            signal = handlers.signal_for(scored, sentiment)
            if signal.civil_negative:
                await deps.feedback.add([handlers.remark_of(scored)])
                counts["remarks"] += 1
        async for case in read_events(bootstrap, topics.CASE_EVENTS, CaseEvent):
            if handlers.feedback_case(case, deps.feedback_queue):
                await deps.feedback.add([handlers.remark_of(case)])
                counts["remarks"] += 1
    finally:
        await redis.aclose()
    return counts


if __name__ == "__main__":
    command_line("services.pulse.rebuild", __doc__ or "", rebuild)
