"""What ingest accepts as a member's report of a post. Pure."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from services.contracts.events import PostReported, ReporterFacts, derived_id
from services.contracts.text import PRINTABLE, UnicodeText


class ReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reporter_id: str = Field(min_length=1, max_length=256, pattern=PRINTABLE, examples=["user-42"])
    reason_code: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$",
        examples=["harassment"],
        description="Your platform's reason, e.g. harassment, spam, threat, hate, self-harm.",
    )
    text: UnicodeText | None = Field(
        default=None, max_length=2000, examples=["He keeps posting this under my photos."]
    )
    reporter_trust: float | None = Field(
        default=None, ge=0, le=1, description="How far your platform trusts this reporter, 0-1."
    )


class ReportAccepted(BaseModel):
    report_id: str = Field(examples=["b2d8d03b-6cab-474a-8543-45f1fa813e11"])
    duplicate: bool = Field(description="True when this member had already reported this post.")


def report_id_for(post_id: str, reporter_id: str) -> str:
    """One report per (post, reporter): a repeat is the same report."""
    return derived_id("report", post_id, reporter_id)


def to_report(body: ReportRequest, post_id: str, tenant: str, author_id: str) -> PostReported:
    report_id = report_id_for(post_id, body.reporter_id)
    return PostReported(
        event_id=derived_id("reported", report_id),
        report_id=report_id,
        post_id=post_id,
        tenant=tenant,
        author_id=author_id,
        reporter_id=body.reporter_id,
        reason_code=body.reason_code,
        text=body.text,
        reporter=ReporterFacts(trust=body.reporter_trust),
    )
