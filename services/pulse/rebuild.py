"""Rebuild what pulse serves from its own topics, then exit.

    python -m services.pulse.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Drops `pulse:mood:*`, `pulse:detector:*`, `pulse:communities:*` and `pulse:alerts:*`, replays
the mood topic (each community's windows, and its wave detector stepped again over them: the
same steps give the same state) and the community-alerts topic (the alert history). Windows
still open when Redis was lost (`pulse:tally:*`) are not on any topic: they are lost, at most
one window of each length. Stop pulse while it runs.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.events import CommunityAlert, MoodWindow
from services.pulse import handlers
from services.pulse.adapters import moods
from services.pulse.adapters.moods import Moods
from services.pulse.adapters.tallies import Tallies
from services.pulse.app import tunings_of
from services.pulse.config import Settings
from services.pulse.sentiment import Sentiment
from services.shared.kafka import read_events
from services.shared.rebuild import command_line, drop


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    store = Moods(redis)
    deps = handlers.Pulse(
        Tallies(redis, settings.windows, settings.pulse_samples), store, Sentiment(),
        tunings_of(settings), settings.windows[0],
    )  # fmt: skip
    counts = {"windows": 0, "alerts": 0}
    try:
        await drop(redis, moods.FAMILIES)
        bootstrap = settings.kafka_bootstrap_servers
        async for window in read_events(bootstrap, topics.MOOD, MoodWindow):
            await handlers.apply_window(window, None, deps)
            counts["windows"] += 1
        async for alert in read_events(bootstrap, topics.COMMUNITY_ALERTS, CommunityAlert):
            await store.alert(alert)
            counts["alerts"] += 1
    finally:
        await redis.aclose()
    return counts


if __name__ == "__main__":
    command_line("services.pulse.rebuild", __doc__ or "", rebuild)
