"""Building a community's health report from outreach's views and pulse's digest: for the
report route and for scheduled deliveries alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.health import HealthBook
from services.outreach.adapters.pulse import Pulse
from services.outreach.domain.health import HealthReport, report


async def health_of(health: HealthBook, cases: OpenCases, pulse: Pulse, tenant: str,
                    community: str | None, first: date, last: date) -> HealthReport:  # fmt: skip
    """The days from `first` to `last`; PulseUnavailable if the themes cannot be read."""
    per_day, events = await health.period(tenant, community, first, last)
    times = await cases.response_times(tenant, first, last)
    responses = [{"queue": t.queue, "answered": t.answered, "mean_seconds": t.mean_seconds,
                  "within": t.within} for t in times if t.community == community]  # fmt: skip
    since = datetime.combine(first, time(), UTC)
    until = min(datetime.now(UTC), datetime.combine(last, time.max, UTC))
    themes = await pulse.themes(tenant, community, since.isoformat(), until.isoformat())
    return report(tenant, community, first, last, per_day, events, responses, themes)
