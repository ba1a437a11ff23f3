"""Open windows' counters in Redis, pulse's own keys:

pulse:tally:{window}     hash: volume, toxic, negative, civil_negative, positive, actioned
pulse:samples:{window}   list: a few negative post ids
pulse:authors:{window}   sorted set: authors by strikes in the window
pulse:open               sorted set: open windows by the time they end (what is due is popped,
                         nothing else is read)
pulse:seen:{kind}:{id}   a post already counted (redelivery), kept two days
pulse:closed:{window}    a window already published: a post that arrives later for it is
                         counted as late, not in a second copy of the window

A window is `tenant \\x1f community \\x1f seconds \\x1f start`.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from services.pulse.domain.mood import Community

log = logging.getLogger(__name__)
SEP = "\x1f"
SEEN_SECONDS = 2 * 86400
FAMILIES = (
    "pulse:tally:*",
    "pulse:samples:*",
    "pulse:authors:*",
    "pulse:open",
    "pulse:seen:*",
    "pulse:closed:*",
)
TOP_AUTHORS = 5
WINDOW_PARTS = ("tally", "samples", "authors")


@dataclass(frozen=True)
class Observation:
    """What one event adds to its community's windows."""

    kind: str  # "scored", "decided" or "strike": each counts once
    post_id: str
    where: Community
    at: float
    counts: dict[str, int]
    negative: bool = False
    author_strikes: tuple[str, int] | None = None  # (author, strikes given or taken back)


@dataclass(frozen=True)
class OpenWindow:
    where: Community
    seconds: int
    start: int

    @property
    def member(self) -> str:
        return SEP.join((self.where.tenant, self.where.name, str(self.seconds), str(self.start)))

    @classmethod
    def parse(cls, member: str) -> OpenWindow:
        tenant, community, seconds, start = member.split(SEP)
        return cls(Community(tenant, community or None), int(seconds), int(start))


@dataclass
class Added:
    """What a batch adds to one window: written once, however many posts it holds (a busy
    community's batch of 30 posts costs one write per counter, not thirty)."""

    observations: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # newest last, as LPUSH would leave them
    authors: Counter[str] = field(default_factory=Counter)


def window_sums(
    observations: list[Observation], windows: list[int], samples: int
) -> dict[OpenWindow, Added]:
    sums: dict[OpenWindow, Added] = {}
    for o in observations:
        for seconds in windows:
            added = sums.setdefault(
                OpenWindow(o.where, seconds, int(o.at // seconds * seconds)), Added()
            )
            added.observations += 1
            added.counts.update(o.counts)
            if o.negative:
                added.samples = (
                    [*added.samples[-(samples - 1) :], o.post_id] if samples > 1 else [o.post_id]
                )
            if o.author_strikes:
                author, strikes = o.author_strikes
                added.authors[author] += strikes
    return sums


def add(pipe: Pipeline, window: OpenWindow, added: Added, samples: int) -> None:
    member = window.member
    for counter, n in added.counts.items():
        if n:
            pipe.hincrby(f"pulse:tally:{member}", counter, n)
    if added.samples:
        pipe.lpush(f"pulse:samples:{member}", *added.samples)
        pipe.ltrim(f"pulse:samples:{member}", 0, samples - 1)
    for author, strikes in added.authors.items():
        pipe.zincrby(f"pulse:authors:{member}", strikes, author)
    pipe.zadd("pulse:open", {member: window.start + window.seconds}, nx=True)


class Tallies:
    def __init__(self, redis: Redis, windows: list[int], samples: int) -> None:
        self.redis, self.windows, self.samples = redis, windows, samples

    async def count(self, observations: list[Observation]) -> tuple[int, int]:
        """Adds each observation not counted before to its windows that are still open;
        returns (observations new, window counts dropped as late)."""
        if not observations:
            return 0, 0
        async with self.redis.pipeline(transaction=False) as pipe:
            for o in observations:
                pipe.set(f"pulse:seen:{o.kind}:{o.post_id}", 1, nx=True, ex=SEEN_SECONDS)
            fresh = [o for o, new in zip(observations, await pipe.execute(), strict=True) if new]
        sums = window_sums(fresh, self.windows, self.samples)
        async with self.redis.pipeline(transaction=False) as pipe:
            for window in sums:
                pipe.exists(f"pulse:closed:{window.member}")
            closed = dict(zip(sums, await pipe.execute(), strict=True))
        async with self.redis.pipeline(transaction=False) as pipe:
            for window, added in sums.items():
                if not closed[window]:
                    add(pipe, window, added, self.samples)
            await pipe.execute()
        return len(fresh), sum(added.observations for w, added in sums.items() if closed[w])

    async def expect(self, window: OpenWindow) -> None:
        """Open a window even if no post comes: a community in a wave that falls silent still
        gets its quiet windows, and the wave can end."""
        await self.redis.zadd("pulse:open", {window.member: window.start + window.seconds}, nx=True)

    async def due(self, until: float, limit: int = 500) -> list[OpenWindow]:
        """Windows due to close. A member that is not a window (a separator inside a community
        name from an older producer) is dropped with a log line: it would otherwise come first
        on every tick and stop every window behind it from closing."""
        members = await self.redis.zrangebyscore("pulse:open", "-inf", until, start=0, num=limit)
        windows, unreadable = [], []
        for member in members:
            try:
                windows.append(OpenWindow.parse(member))
            except ValueError:
                unreadable.append(member)
        if unreadable:
            log.error("dropped unreadable mood windows", extra={"members": unreadable})
            counters = [f"pulse:{part}:{m}" for m in unreadable for part in WINDOW_PARTS]
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.zrem("pulse:open", *unreadable)
                pipe.delete(*counters)
                await pipe.execute()
        return windows

    async def read(
        self, window: OpenWindow
    ) -> tuple[dict[str, int], list[str], list[tuple[str, int]]]:
        """The window's counters, sample posts and top authors by strikes."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(f"pulse:tally:{window.member}")
            pipe.lrange(f"pulse:samples:{window.member}", 0, -1)
            pipe.zrevrange(f"pulse:authors:{window.member}", 0, TOP_AUTHORS - 1, withscores=True)
            counts, samples, authors = await pipe.execute()
        top = [(author, int(score)) for author, score in authors]
        return {k: int(v) for k, v in counts.items()}, list(samples), top

    async def close(self, window: OpenWindow) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(
                f"pulse:tally:{window.member}",
                f"pulse:samples:{window.member}",
                f"pulse:authors:{window.member}",
            )
            pipe.zrem("pulse:open", window.member)
            pipe.set(f"pulse:closed:{window.member}", 1, ex=max(2 * window.seconds, SEEN_SECONDS))
            await pipe.execute()
