"""The desk's view of each community's mood, built from pulse's topics (never from pulse's
keys): rebuilt by `python -m services.desk.rebuild`.

desk:mood:{tenant}\\x1f{community}:{seconds}   sorted set: recent windows (JSON) by end
desk:communities:{tenant}                      hash: community -> its state (JSON), from alerts
desk:community-latest:{tenant}                 hash: community \x1f seconds -> latest window
desk:community-alerts:{tenant}                 sorted set: alerts (JSON) by time
desk:community-alerts:{tenant}\x1f{community}  the same, of one community
desk:crisis:{tenant}                           hash: community -> its crisis mode (JSON),
                                                  from escalation's crisis topic
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from services.contracts.events import CommunityAlert, CommunityAlertKind, CrisisChanged, MoodWindow
from services.contracts.public import community_alert_view

SEP = "\x1f"
KEEP_WINDOWS = 288
KEEP_ALERTS = 1000
FAMILIES = (
    "desk:mood:*",
    "desk:communities:*",
    "desk:community-latest:*",
    "desk:community-alerts:*",
    "desk:crisis:*",
)


def window_view(window: MoodWindow) -> dict:
    volume = window.volume or 1
    return {
        "window_seconds": window.window_seconds,
        "starts_at": window.starts_at.isoformat(),
        "ends_at": window.ends_at.isoformat(),
        "volume": window.volume,
        "toxicity_rate": round(window.toxic / volume, 4),
        "negative_rate": round(window.negative / volume, 4),
        "civil_negative_rate": round(window.civil_negative / volume, 4),
        "positive_rate": round(window.positive / volume, 4),
        "actioned_share": round(window.actioned / volume, 4),
        "strikes": window.strikes,
        "top_authors": [a.model_dump() for a in window.top_authors],
    }


class Communities:
    """Windows and alerts come from two consumers: each writes keys of its own (a window the
    series and the latest, an alert the history and the state), so neither overwrites the
    other's update."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply_window(self, window: MoodWindow) -> None:
        name = window.community or ""
        view = window_view(window)
        series = f"desk:mood:{window.tenant}{SEP}{name}:{window.window_seconds}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(series, {json.dumps(view): window.ends_at.timestamp()})
            pipe.zremrangebyrank(series, 0, -KEEP_WINDOWS - 1)
            # a community's windows come in order (its topic is keyed by community)
            pipe.hset(
                f"desk:community-latest:{window.tenant}",
                f"{name}{SEP}{window.window_seconds}",
                json.dumps(view),
            )
            await pipe.execute()

    async def apply_alert(self, alert: CommunityAlert) -> bool:
        """Whether the alert is new (a redelivery changes nothing and is not sent again). A
        pile-on is one member's, not the community's mood: kept with the alerts only."""
        name = alert.community or ""
        raw = await self.redis.hget(f"desk:communities:{alert.tenant}", name)
        state = json.loads(raw) if raw else {}
        if not alert.kind.pile_on and alert.at.isoformat() >= state.get("since", ""):
            ended = alert.kind is CommunityAlertKind.WAVE_ENDED
            escalated = alert.kind is CommunityAlertKind.WAVE_ESCALATED
            state = {
                "state": "calm" if ended else "wave",
                "since": alert.at.isoformat(),
                "escalated": escalated or (state.get("escalated", False) and not ended),
            }
        view = community_alert_view(alert).model_dump_json()
        history = f"desk:community-alerts:{alert.tenant}"
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (history, f"{history}{SEP}{name}"):
                pipe.zadd(key, {view: alert.at.timestamp()})
                pipe.zremrangebyrank(key, 0, -KEEP_ALERTS - 1)
            if state:  # a pile-on in a community no wave reached leaves it without a state
                pipe.hset(f"desk:communities:{alert.tenant}", name, json.dumps(state))
            added, *_ = await pipe.execute()
        return bool(added)

    async def apply_crisis(self, change: CrisisChanged) -> None:
        key, name = f"desk:crisis:{change.tenant}", change.community or ""
        raw = await self.redis.hget(key, name)
        if raw and json.loads(raw)["since"] > change.occurred_at.isoformat():
            return  # a redelivery of an older switch
        await self.redis.hset(key, name, json.dumps(crisis_view(change)))

    async def all(self, tenant: str) -> list[dict]:
        """Every community of the platform with its state and latest window of each length."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(f"desk:communities:{tenant}")
            pipe.hgetall(f"desk:community-latest:{tenant}")
            pipe.hgetall(f"desk:crisis:{tenant}")
            states, latest, crises = await pipe.execute()
        found: dict[str, dict] = {}
        for field, raw in latest.items():
            name, seconds = field.rsplit(SEP, 1)
            found.setdefault(name, {})[seconds] = json.loads(raw)
        return [
            community_view(name, states.get(name), found.get(name, {}), crises.get(name))
            for name in sorted(set(found) | set(states) | set(crises))
        ]

    async def one(self, tenant: str, community: str, seconds: int, last: int) -> dict | None:
        """One community: its state and its latest windows of one length; None if neither."""
        key = f"desk:mood:{tenant}{SEP}{community}:{seconds}"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(f"desk:communities:{tenant}", community)
            pipe.zrange(key, -last, -1)
            pipe.hget(f"desk:crisis:{tenant}", community)
            state, windows, crisis = await pipe.execute()
        if state is None and not windows and crisis is None:
            return None
        found = community_view(community, state, {}, crisis)
        return {**found, "windows": [json.loads(raw) for raw in windows]}

    async def alerts(self, tenant: str, community: str | None, last: int) -> list[dict]:
        """The latest alerts, newest first: the platform's, or one community's."""
        key = f"desk:community-alerts:{tenant}"
        key += "" if community is None else f"{SEP}{community}"
        return [json.loads(raw) for raw in await self.redis.zrevrange(key, 0, last - 1)]


def crisis_view(change: CrisisChanged) -> dict:
    return {
        "on": change.on,
        "since": change.occurred_at.isoformat(),
        "source": change.source.value,
        "actor": change.actor,
        "reason": change.reason,
    }


def community_view(
    name: str, state: str | None, latest: dict[str, dict], crisis: str | None = None
) -> dict:
    """The state is `crisis` while crisis mode is on (whatever pulse says), else pulse's: `calm`
    or `wave`."""
    current = json.loads(state) if state else {"state": "calm", "since": None, "escalated": False}
    mode = json.loads(crisis) if crisis else None
    if mode and mode["on"]:
        current = {**current, "state": "crisis"}
    return {"community": name or None, **current, "crisis": mode, "latest_windows": latest}
