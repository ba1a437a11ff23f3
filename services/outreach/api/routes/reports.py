"""The community health report: a community's posts, mood and toxicity day by day, its waves
and crisis periods, time to first response, themes and their status, moderators' workload,
SLA breaches, appeals and overturns, over a period: JSON, or a self-contained HTML page (the
console's report, and the export to hand on). Its cost is one read per day of the period and
one digest from pulse, whatever the posts in it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from services.outreach import metrics
from services.outreach.adapters.pulse import PulseUnavailable
from services.outreach.api.deps import AnyStaff, CasesDep, HealthDep, PulseDep
from services.outreach.domain.health_page import as_html
from services.outreach.reports import health_of
from services.shared.errors import ApiError

router = APIRouter(prefix="/v1/moderation/reports", tags=["reports"])


@router.get(
    "/health",
    responses={
        200: {"description": "The report: JSON, or HTML with format=html",
              "content": {"application/json": {"example": {"community": "help", "first": "2026-11-30",
                                                           "last": "2026-12-06", "totals": {"volume": 1200}}},
                          "text/html": {}}},
        401: {"description": "Missing or invalid moderator token"},
        503: {"description": "Pulse did not answer (the themes); retry"},
    },
)  # fmt: skip
async def health_report(
    staff: AnyStaff, health: HealthDep, cases: CasesDep, pulse: PulseDep,
    community: Annotated[str, Query(min_length=1, max_length=256, description="`_`: none")],
    days: Annotated[int, Query(ge=1, le=366, description="The last `days` days, today included")] = 7,
    format: Literal["json", "html"] = "json",
):  # fmt: skip
    """A community's health over the last `days` days, for the community manager and whoever
    they hand it to."""
    started = time.process_time()
    name = None if community == "_" else community
    last = datetime.now(UTC).date()
    first = last - timedelta(days=days - 1)
    try:
        built = await health_of(health, cases, pulse, staff.tenant, name, first, last)
    except PulseUnavailable as error:
        raise ApiError(
            503, "pulse_unavailable", str(error), headers={"Retry-After": "5"}
        ) from error
    metrics.REPORT_CPU.observe(time.process_time() - started)
    if format == "html":
        return HTMLResponse(as_html(built))
    return {
        "tenant": built.tenant, "community": built.community, "first": built.first,
        "last": built.last, "totals": built.totals, "workload": built.workload,
        "days": [{"day": d.day, **{k: v for k, v in d.counts.items() if not k.startswith("by:")}}
                 for d in built.days],
        "events": built.events, "responses": built.responses, "themes": built.themes,
    }  # fmt: skip
