"""Replies aimed at members, per community, in windows, pulse's own keys:

pulse:aimed:{window}:replies    set: the posts aimed at the member in the window
pulse:aimed:{window}:negative   set: those of them that were negative
pulse:aimed:{window}:authors    set: the members who wrote the negative ones
pulse:aimed-open                sorted set: open member windows by when they are due (what is
                                due is popped, nothing else is read)
pulse:pileon:{target}           the member's pile-on state there (JSON), kept 30 days after use

A target (a member in a community) is `tenant \\x1f community \\x1f member`, a window its
target and `\\x1f start`. Sets of post ids, so a redelivered post counts once without a key
of its own; they expire two windows after their end whatever happens. Windows opened before
communities counted (`tenant \\x1f member \\x1f start`) are dropped when due.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from redis.asyncio import Redis

from services.pulse.domain.pileon import AimedWindow, PileOnState, Target

SEP = "\x1f"
OPEN = "pulse:aimed-open"
STATE_SECONDS = 30 * 86400
SAMPLES = 5
FAMILIES = ("pulse:aimed:*", OPEN, "pulse:pileon:*")


def target_key(target: Target) -> str:
    return SEP.join((target.tenant, target.community or "", target.member))


@dataclass(frozen=True)
class Aim:
    """One post aimed at one member."""

    target: Target
    post_id: str
    author_id: str
    negative: bool
    at: float


@dataclass(frozen=True)
class MemberWindow:
    target: Target
    start: int

    @property
    def key(self) -> str:
        return f"{target_key(self.target)}{SEP}{self.start}"

    @classmethod
    def parse(cls, key: str) -> MemberWindow | None:
        """None for a window opened before communities counted."""
        parts = key.split(SEP)
        if len(parts) != 4:
            return None
        tenant, community, member, start = parts
        return cls(Target(tenant, community or None, member), int(start))


def state_key(target: Target) -> str:
    return f"pulse:pileon:{target_key(target)}"


class PileOns:
    def __init__(self, redis: Redis, window_seconds: int) -> None:
        self.redis, self.seconds = redis, window_seconds

    async def add(self, aims: list[Aim]) -> dict[MemberWindow, AimedWindow]:
        """Count each post in its member's window; the touched windows as they now stand, in
        the same round trip."""
        if not aims:
            return {}
        windows = {a: MemberWindow(a.target, int(a.at // self.seconds * self.seconds))
                   for a in aims}  # fmt: skip
        async with self.redis.pipeline(transaction=False) as pipe:
            for aim, window in windows.items():
                key, expiry = f"pulse:aimed:{window.key}", self.seconds * 3
                pipe.sadd(f"{key}:replies", aim.post_id)
                pipe.expire(f"{key}:replies", expiry)
                if aim.negative:
                    pipe.sadd(f"{key}:negative", aim.post_id)
                    pipe.sadd(f"{key}:authors", aim.author_id)
                    pipe.expire(f"{key}:negative", expiry)
                    pipe.expire(f"{key}:authors", expiry)
            touched = sorted(set(windows.values()), key=lambda w: w.key)
            for window in touched:
                pipe.zadd(OPEN, {window.key: window.start + self.seconds}, nx=True)
                self._counts(pipe, window)
            found = await pipe.execute()
        counts = found[len(found) - 4 * len(touched) :]
        return {w: self._window(w, counts[4 * i + 1 : 4 * i + 4]) for i, w in enumerate(touched)}

    def _counts(self, pipe, window: MemberWindow) -> None:
        key = f"pulse:aimed:{window.key}"
        for part in ("replies", "negative", "authors"):
            pipe.scard(f"{key}:{part}")

    @staticmethod
    def _window(window: MemberWindow, counts: list[int]) -> AimedWindow:
        replies, negative, authors = (int(c) for c in counts)
        return AimedWindow(window.start, replies, negative, authors)

    async def read(self, window: MemberWindow) -> tuple[AimedWindow, list[str]]:
        """The window's counts and some of its negative posts."""
        async with self.redis.pipeline(transaction=False) as pipe:
            self._counts(pipe, window)
            pipe.srandmember(f"pulse:aimed:{window.key}:negative", SAMPLES)
            *counts, samples = await pipe.execute()
        return self._window(window, counts), sorted(samples)

    async def state(self, target: Target) -> PileOnState:
        raw = await self.redis.get(state_key(target))
        return PileOnState(**json.loads(raw)) if raw else PileOnState()

    async def save(self, target: Target, state: PileOnState) -> None:
        await self.redis.set(state_key(target), json.dumps(asdict(state)), ex=STATE_SECONDS)

    async def expect(self, window: MemberWindow) -> None:
        """Open a window even if no reply comes: a member under a pile-on that falls silent
        still gets quiet windows, and the pile-on can end."""
        await self.redis.zadd(OPEN, {window.key: window.start + self.seconds}, nx=True)

    async def due(self, until: float, limit: int = 500) -> list[MemberWindow]:
        members = await self.redis.zrangebyscore(OPEN, "-inf", until, start=0, num=limit)
        windows = [MemberWindow.parse(m) for m in members]
        if legacy := [m for m, w in zip(members, windows, strict=True) if w is None]:
            await self.redis.zrem(OPEN, *legacy)
        return [w for w in windows if w is not None]

    async def close(self, window: MemberWindow) -> None:
        key = f"pulse:aimed:{window.key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(f"{key}:replies", f"{key}:negative", f"{key}:authors")
            pipe.zrem(OPEN, window.key)
            await pipe.execute()
