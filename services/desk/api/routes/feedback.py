"""The feedback digest for the product team: a community's civil criticism grouped into
themes, from pulse's API. Read with a platform key that has `pulse:read`, or a moderator token
or console session."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.desk.adapters.pulse import PulseUnavailable
from services.desk.api.deps import PulseDep, PulseReader
from services.shared.errors import ApiError

router = APIRouter(prefix="/v1/feedback", tags=["communities"])


@router.get(
    "/digest",
    responses={
        200: {
            "description": "The digest: JSON (themes with count, trend, examples), Markdown or CSV",
            "content": {
                "application/json": {
                    "example": {
                        "tenant": "acme", "community": "support",
                        "since": "2026-11-25T00:00:00Z", "until": "2026-12-02T00:00:00Z",
                        "total": 120, "unthemed": 31,
                        "themes": [{"theme": "dark mode", "language": "en", "count": 42,
                                    "previous": 12, "trend": 2.5, "examples": [{"post_id": "p-1",
                                    "text": "Dark mode is unreadable", "at": 1764633600}]}],
                        "languages": [{"language": "en", "total": 120, "unthemed": 31,
                                       "themes": ["...the same themes, of this language"]}],
                    }
                },
                "text/markdown": {},
                "text/csv": {},
            },
        },
        401: {"description": "Missing or invalid key or token"},
        403: {"description": "A platform key without the pulse:read scope"},
        422: {"description": "A bad period or format"},
        503: {"description": "Pulse did not answer; retry"},
    },
)  # fmt: skip
async def feedback_digest(
    tenant: PulseReader,
    pulse: PulseDep,
    community: Annotated[str, Query(min_length=1, max_length=128, description="`_`: none")],
    since: Annotated[str | None, Query(description="ISO 8601, or a time ago: 7d (default)")] = None,
    until: Annotated[str | None, Query(description="ISO 8601, or a time ago; default now")] = None,
    format: Literal["json", "markdown", "csv"] = "json",
) -> Response:
    """Civil criticism of one community (negative in tone but not toxic, or routed to the
    feedback queue), grouped into themes: each with its count, its trend against the period
    before, and example posts; grouped per language, each read with its own words. JSON, or
    `format=markdown` / `format=csv` to hand on."""
    params = {"tenant": tenant, "community": community, "format": format}
    params |= {k: v for k, v in (("since", since), ("until", until)) if v is not None}
    try:
        answer = await pulse.digest(params)
    except PulseUnavailable as error:
        raise ApiError(
            503, "pulse_unavailable", str(error), headers={"Retry-After": "5"}
        ) from error
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type)
