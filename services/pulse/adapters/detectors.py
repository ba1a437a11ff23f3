"""Each community's wave detector, pulse's only view of its mood topic (the windows and alerts
themselves are on their topics, and the desk builds what it serves from them):

pulse:detector:{tenant}\\x1f{community}   JSON: the detector's state and the last window it saw

Rebuilt by `python -m services.pulse.rebuild` (the same windows give the same steps).
"""

from __future__ import annotations

import json
from dataclasses import asdict

from redis.asyncio import Redis

from services.pulse.domain.detector import Baseline, DetectorState, Phase
from services.pulse.domain.mood import Community

SEP = "\x1f"
FAMILIES = ("pulse:detector:*",)


def detector_key(where: Community) -> str:
    return f"pulse:detector:{where.tenant}{SEP}{where.name}"


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


class Detectors:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def get(self, where: Community) -> tuple[DetectorState, float]:
        return state_from(await self.redis.get(detector_key(where)))

    async def save(self, where: Community, state: DetectorState, last_end: float) -> None:
        await self.redis.set(detector_key(where), state_json(state, last_end))
