"""What the desk serves from other services' documented APIs, once it has admitted the caller:
- pulse's feedback digest (a platform key with `pulse:read`, or a moderator);
- outreach's replies to members, reply templates, time to first response and the themes
  the product team owns (its API,
  documented at its /docs): handed on with who the moderator or community manager is
  (token, or console session with its CSRF token); outreach checks the role each route needs.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from services.desk.adapters.backends import BackendUnavailable
from services.desk.api.deps import CurrentModerator, OutreachDep, PulseDep, PulseReader
from services.shared.errors import ApiError
from services.shared.internal import on_behalf_of

feedback = APIRouter(prefix="/v1/feedback", tags=["communities"])


@feedback.get(
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
        answer = await pulse.call("GET", "/v1/feedback/digest", params=params)
    except BackendUnavailable as error:
        raise ApiError(
            503, "pulse_unavailable", str(error), headers={"Retry-After": "5"}
        ) from error
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type)


FORWARDED = (
    ("POST", "/v1/moderation/cases/{case_id}/reply"),
    ("POST", "/v1/moderation/posts/{post_id}/replies"),
    ("GET", "/v1/moderation/reply-templates"),
    ("PUT", "/v1/moderation/reply-templates/{name}"),
    ("DELETE", "/v1/moderation/reply-templates/{name}"),
    ("GET", "/v1/moderation/responses"),
    ("GET", "/v1/moderation/themes"),
    ("PUT", "/v1/moderation/themes"),
    ("POST", "/v1/moderation/themes/tell-members"),
    ("GET", "/v1/moderation/digest-subscriptions"),
    ("POST", "/v1/moderation/digest-subscriptions"),
    ("DELETE", "/v1/moderation/digest-subscriptions/{subscription_id}"),
    ("GET", "/v1/moderation/reports/health"),
)
outreach = APIRouter()


def forward_to(path: str):
    async def forwarded(
        request: Request, moderator: CurrentModerator, outreach: OutreachDep
    ) -> Response:
        who = on_behalf_of(moderator.tenant, moderator.moderator_id, moderator.role.label)
        kind = request.headers.get("content-type", "application/json")
        target = path.format(**{k: quote(v, safe="") for k, v in request.path_params.items()})
        try:
            answer = await outreach.call(request.method, target, params=request.query_params,
                                         content=await request.body(),
                                         headers={**who, "content-type": kind})  # fmt: skip
        except BackendUnavailable as error:
            raise ApiError(503, "outreach_unavailable", str(error),
                           headers={"Retry-After": "5"}) from error  # fmt: skip
        return Response(answer.body, status_code=answer.status, media_type=answer.media_type)

    return forwarded


for _method, _path in FORWARDED:
    outreach.add_api_route(_path, forward_to(_path), methods=[_method], include_in_schema=False)
