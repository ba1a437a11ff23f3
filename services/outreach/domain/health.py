"""A community's health over a period: volume, mood and toxicity day by day, waves and crisis
periods, time to first response, themes and their status, moderators' workload, SLA breaches,
appeals and overturns. Assembled from per-day counts, so its cost is bounded by the days of
the period, never by the posts in it. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.contracts.cases import Case
from services.contracts.events import CaseEvent, CaseEventKind, MoodWindow

MOOD = ("volume", "toxic", "negative", "civil", "actioned", "strikes")
CASES = ("opened", "resolved", "answered", "sla_breaches", "appeals", "overturned")


def mood_counts(window: MoodWindow) -> dict[str, int]:
    return {"volume": window.volume, "toxic": window.toxic, "negative": window.negative,
            "civil": window.civil_negative, "actioned": window.actioned, "strikes": window.strikes}  # fmt: skip


def case_counts(event: CaseEvent, before: Case | None, after: Case) -> dict[str, int]:
    """What one change of a case adds to its day: its kind, and who did the work."""
    kind, found = event.kind, {}
    if kind is CaseEventKind.OPENED:
        found["opened"] = 1
    elif kind is CaseEventKind.ESCALATED and event.actor == "system":
        found["sla_breaches"] = 1
    elif kind is CaseEventKind.APPEALED:
        found["appeals"] = 1
    elif kind in (CaseEventKind.RESOLVED, CaseEventKind.ANSWERED):
        found["answered" if kind is CaseEventKind.ANSWERED else "resolved"] = 1
        found[f"by:{event.actor}"] = 1
        first = before.resolution if before is not None and before.appealed else None
        if first is not None and event.resolution is not None and event.resolution != first:
            found["overturned"] = 1
    return found


@dataclass(frozen=True)
class Day:
    day: date
    counts: dict[str, int]

    def rate(self, name: str) -> float | None:
        volume = self.counts.get("volume", 0)
        return self.counts.get(name, 0) / volume if volume else None


@dataclass(frozen=True)
class HealthReport:
    tenant: str
    community: str | None
    first: date
    last: date
    days: tuple[Day, ...]
    events: tuple[dict, ...] = ()  # waves and crisis switches, by time
    responses: tuple[dict, ...] = ()  # per queue: answered, mean_seconds, within
    themes: tuple[dict, ...] = ()  # the digest's, with status, owner, tracker_url
    totals: dict[str, int] = field(default_factory=dict)
    workload: dict[str, int] = field(default_factory=dict)  # moderator -> cases closed


def report(tenant: str, community: str | None, first: date, last: date,
           per_day: list[tuple[date, dict[str, str]]], events: list[dict],
           responses: list[dict], themes: list[dict]) -> HealthReport:  # fmt: skip
    days = tuple(Day(d, {k: int(float(v)) for k, v in raw.items()}) for d, raw in per_day)
    totals = {name: sum(d.counts.get(name, 0) for d in days) for name in (*MOOD, *CASES)}
    workload: dict[str, int] = {}
    for d in days:
        for name, n in d.counts.items():
            if name.startswith("by:"):
                workload[name[3:]] = workload.get(name[3:], 0) + n
    ranked = dict(sorted(workload.items(), key=lambda kv: (-kv[1], kv[0])))
    return HealthReport(tenant, community, first, last, days, tuple(events), tuple(responses),
                        tuple(themes), totals, ranked)  # fmt: skip
