from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse

from services.contracts import topics
from services.ingest import metrics
from services.ingest.adapters.publisher import Unpublished
from services.ingest.adapters.reports import ReportLedger
from services.ingest.api.deps import PostWriter, PublisherDep, RegistryDep, SettingsDep, unavailable
from services.ingest.domain.reports import ReportAccepted, ReportRequest, to_report
from services.shared.api import from_state
from services.shared.errors import ApiError

log = logging.getLogger(__name__)
ReportLedgerDep = Annotated[ReportLedger, Depends(from_state("reports"))]
router = APIRouter(prefix="/v1/posts", tags=["reports"])

ERRORS = {
    400: {"description": "Body is not valid JSON"},
    401: {"description": "No platform key, or not a valid one"},
    403: {"description": "The key lacks `posts:write`"},
    404: {"description": "No post of yours with this id"},
    422: {"description": "Missing or invalid fields"},
    503: {
        "description": "Kafka or Redis unavailable; nothing was accepted, retry after Retry-After"
    },
}


@router.post(
    "/{post_id}/reports",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReportAccepted,
    responses={**ERRORS, 200: {"model": ReportAccepted, "description": "A repeat: ignored"}},
    summary="Report a post on behalf of a community member",
)
async def report_post(
    post_id: str,
    body: ReportRequest,
    platform: PostWriter,
    registry: RegistryDep,
    publisher: PublisherDep,
    settings: SettingsDep,
    ledger: ReportLedgerDep,
) -> ReportAccepted | JSONResponse:
    """A member reports a post. Each member counts once per post (a repeat answers 200 with
    `duplicate: true`); the community's policy decides how many reports, for which reasons and
    from how trusted reporters bring the post to a moderator."""
    found = await registry.author_of(post_id)
    if found is None or found[0] != platform.tenant:
        raise ApiError(404, "post_not_found", "No post of yours has this id.")
    report = to_report(body, post_id, platform.tenant, found[1])
    if not await ledger.claim(report.report_id):
        metrics.REPORTS.labels("duplicate").inc()
        answer = ReportAccepted(report_id=report.report_id, duplicate=True)
        return JSONResponse(answer.model_dump(), status_code=200)
    await publish_report(report, ledger, publisher, settings)
    metrics.REPORTS.labels("accepted").inc()
    return ReportAccepted(report_id=report.report_id, duplicate=False)


async def publish_report(report, ledger: ReportLedger, publisher, settings) -> None:
    """On the reports topic, or released (a retry may claim it again) and 503."""

    async def settled(acked: bool) -> None:  # Kafka answered after the deadline
        if not acked:
            await ledger.release(report.report_id)

    try:
        await publisher.publish(
            report.model_dump_json().encode(),  # every field is checked Unicode by now
            topics.REPORTS,
            topics.author_key(report.tenant, report.author_id),
            settings.publish_timeout_seconds,
            settled,
        )
    except Unpublished as error:
        log.error("report publish failed", extra={"error": str(error), "pending": error.pending})
        if not error.pending:
            await ledger.release(report.report_id)
        raise unavailable("The report could not be queued. Retry.", settings) from error
