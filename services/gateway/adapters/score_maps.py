"""The gateway's view of each platform's Perspective score maps (topic moderation.score-maps.v1):
one hash per tenant, `gateway:score-map:{tenant}`, with every version (`v<n>`: its event) and the
live one (`live`: the highest version's event, absent once withdrawn). A Perspective request
reads one field; a rollback reads one version."""

from __future__ import annotations

from functools import lru_cache

from redis.asyncio import Redis

from services.contracts.events import ScoreMapPublished

FAMILIES = ("gateway:score-map:*",)
# The highest version wins, whatever order the events are applied in (live or in a rebuild).
APPLY = """
local key, version, event, withdrawn = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3] == '1'
redis.call('HSET', key, 'v' .. version, event)
local newest = tonumber(redis.call('HGET', key, 'newest') or '0')
if version <= newest then return 0 end
redis.call('HSET', key, 'newest', version)
if withdrawn then redis.call('HDEL', key, 'live') else redis.call('HSET', key, 'live', event) end
return 1
"""


@lru_cache(maxsize=256)
def _parsed(raw: bytes | str) -> ScoreMapPublished:
    """A live map is read on every Perspective request of its tenant and changes a handful of
    times a year: its curves are validated once per version, not once per request."""
    return ScoreMapPublished.model_validate_json(raw)


def map_key(tenant: str) -> str:
    return f"gateway:score-map:{tenant}"


class ScoreMaps:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._apply = redis.register_script(APPLY)

    async def apply(self, event: ScoreMapPublished) -> bool:
        """True when it became the newest version."""
        args = [event.version, event.model_dump_json(), "1" if event.withdrawn else "0"]
        return bool(await self._apply(keys=[map_key(event.tenant)], args=args))

    async def live(self, tenant: str) -> ScoreMapPublished | None:
        raw = await self.redis.hget(map_key(tenant), "live")
        return _parsed(raw) if raw else None

    async def version(self, tenant: str, version: int) -> ScoreMapPublished | None:
        raw = await self.redis.hget(map_key(tenant), f"v{version}")
        return ScoreMapPublished.model_validate_json(raw) if raw else None

    async def newest(self, tenant: str) -> int:
        return int(await self.redis.hget(map_key(tenant), "newest") or 0)

    async def history(self, tenant: str) -> list[ScoreMapPublished]:
        """Every version, newest first (a tenant publishes a map a handful of times)."""
        found = await self.redis.hgetall(map_key(tenant))
        events = [ScoreMapPublished.model_validate_json(v) for k, v in found.items() if k[0] == "v"]
        return sorted(events, key=lambda event: -event.version)
