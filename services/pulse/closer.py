"""Closing windows: every `PULSE_TICK_SECONDS` the windows whose end (plus the grace) has
passed are popped from the open index, published as MoodWindow events, then dropped (members'
windows of replies too: they move the pile-on detector). Only
what is due is read. A window published but not dropped (a crash between the two) is
published again with the same event id, and the detector skips a window it has seen."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from faststream.kafka import KafkaBroker

from services.contracts import topics
from services.pulse import metrics
from services.pulse.adapters.pileons import MemberWindow
from services.pulse.adapters.tallies import Tallies
from services.pulse.domain.mood import closed_window
from services.pulse.domain.pileon import closed, pile_on_alert
from services.pulse.handlers import Pulse, publish_alert
from services.shared.kafka import publish_all

log = logging.getLogger(__name__)


async def close_due(broker: KafkaBroker, tallies: Tallies, grace: float) -> int:
    closed = 0
    for window in await tallies.due(time.time() - grace):
        counts, samples, authors = await tallies.read(window)
        event = closed_window(window.where, window.seconds, window.start, counts, samples, authors)
        key = topics.community_key(window.where.tenant, window.where.community)
        await publish_all(broker, [(event, topics.MOOD, key)])
        await tallies.close(window)
        closed += 1
    metrics.WINDOWS_CLOSED.inc(closed)
    return closed


async def close_aimed(pulse: Pulse, grace: float) -> int:
    """Members' windows that are due: each moves its member's pile-on state, and may end one."""
    if pulse.pileons is None:
        return 0
    tuning, closed_now = pulse.pileon_tuning, 0
    for window in await pulse.pileons.due(time.time() - grace):
        counts, samples = await pulse.pileons.read(window)
        state = await pulse.pileons.state(window.target)
        new, ended = closed(state, counts, tuning)
        if ended:
            alert = pile_on_alert(window.target, counts, state, tuning, True, samples, time.time())
            await publish_alert(pulse, alert)
        if new != state:
            await pulse.pileons.save(window.target, new)
        if new.active:
            after = MemberWindow(window.target, window.start + tuning.window_seconds)
            await pulse.pileons.expect(after)
        await pulse.pileons.close(window)
        closed_now += 1
    return closed_now


async def closer(pulse: Pulse, grace: float, every: float, stop: asyncio.Event) -> None:
    broker, tallies = pulse.alerts, pulse.tallies
    assert broker is not None  # the closer runs live only
    while not stop.is_set():
        try:
            await close_due(broker, tallies, grace)
            await close_aimed(pulse, grace)
        except Exception:  # Kafka or Redis away: the windows stay open, the next tick retries
            log.exception("closing mood windows failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
