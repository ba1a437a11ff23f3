"""What pulse serves, built from its own topics (so `python -m services.pulse.rebuild` can
build it again): each community's recent windows, its wave detector, its alerts.

pulse:mood:{community}:{seconds}   sorted set: the latest windows (JSON) by end time
pulse:detector:{community}         the wave detector's state (JSON) and the last window it saw
pulse:communities:{tenant}         hash: community -> its state now (JSON)
pulse:alerts:{tenant}              sorted set: alerts (JSON) by time, the latest kept

{community} is `tenant \\x1f community`.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from redis.asyncio import Redis

from services.contracts.events import CommunityAlert, MoodWindow
from services.pulse.domain.detector import Baseline, DetectorState, Phase
from services.pulse.domain.mood import Community, rates

SEP = "\x1f"
KEEP_WINDOWS = 288  # a day of 5-minute windows
KEEP_ALERTS = 1000
FAMILIES = ("pulse:mood:*", "pulse:detector:*", "pulse:communities:*", "pulse:alerts:*")


def community_id(where: Community) -> str:
    return f"{where.tenant}{SEP}{where.name}"


def state_json(state: DetectorState, last_end: float) -> str:
    return json.dumps({**asdict(state), "last_end": last_end})


def state_from(raw: str | None) -> tuple[DetectorState, float]:
    if not raw:
        return DetectorState(), 0.0
    data = json.loads(raw)
    last_end = data.pop("last_end", 0.0)
    data["baseline"] = Baseline(**data["baseline"])
    data["phase"] = Phase(data["phase"])
    return DetectorState(**data), last_end


class Moods:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def detector(self, where: Community) -> tuple[DetectorState, float]:
        return state_from(await self.redis.get(f"pulse:detector:{community_id(where)}"))

    async def record(
        self, window: MoodWindow, state: DetectorState | None, last_end: float
    ) -> None:
        """The window in the community's series and, for the detector's window, its new
        state and the community's state now."""
        where = Community(window.tenant, window.community)
        series = f"pulse:mood:{community_id(where)}:{window.window_seconds}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(series, {window.model_dump_json(): window.ends_at.timestamp()})
            pipe.zremrangebyrank(series, 0, -KEEP_WINDOWS - 1)
            if state is not None:
                pipe.set(f"pulse:detector:{community_id(where)}", state_json(state, last_end))
                now = {
                    "community": where.name,
                    "state": state.phase.value,
                    "escalated": state.escalated,
                    "baseline_negative_rate": round(state.baseline.rate, 4),
                    "window_ends_at": window.ends_at.isoformat(),
                    "volume": window.volume,
                    **rates(window),
                }
                pipe.hset(f"pulse:communities:{window.tenant}", where.name, json.dumps(now))
            await pipe.execute()

    async def alert(self, alert: CommunityAlert) -> None:
        key = f"pulse:alerts:{alert.tenant}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {alert.model_dump_json(): alert.at.timestamp()})
            pipe.zremrangebyrank(key, 0, -KEEP_ALERTS - 1)
            await pipe.execute()

    async def communities(self, tenant: str) -> dict[str, dict]:
        found = await self.redis.hgetall(f"pulse:communities:{tenant}")
        return {name: json.loads(raw) for name, raw in found.items()}

    async def windows(self, where: Community, seconds: int, last: int = 12) -> list[dict]:
        series = f"pulse:mood:{community_id(where)}:{seconds}"
        return [json.loads(raw) for raw in await self.redis.zrange(series, -last, -1)]

    async def alerts(self, tenant: str, last: int = 50) -> list[dict]:
        return [json.loads(r) for r in await self.redis.zrange(f"pulse:alerts:{tenant}", -last, -1)]
