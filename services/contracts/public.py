"""What platforms receive: the public, versioned views of decisions, sanctions, community
alerts and staff replies. Pure.

One schema for every channel: `GET /v1/posts/{id}/decision`, the feed, the SSE stream and
webhooks all send these, never the internal events. `schema_version` changes only when a
field is removed or changes meaning; new optional fields can appear at any time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from services.contracts.events import (
    Action,
    AuthorSanctioned,
    CommunityAlert,
    Decision,
    ModelInfo,
    PolicyRef,
    Reason,
    ReplyWritten,
    SanctionKind,
    StatementOfReasons,
)

PUBLIC_SCHEMA_VERSION = 1


class DecisionRevision(BaseModel):
    decision_id: str
    revision: int
    action: Action
    decided_by: str
    decided_at: datetime
    reasons: list[Reason]
    policy: PolicyRef | None = None
    language: str | None = Field(
        default=None, description="The language the post was read as (automated decisions)."
    )


class DecisionView(BaseModel):
    """A post's decision; `status: pending` while it is still in the pipeline."""

    type: Literal["decision"] = "decision"
    schema_version: int = PUBLIC_SCHEMA_VERSION
    post_id: str
    status: Literal["pending", "decided"]
    tenant: str | None = None
    author_id: str | None = None
    community: str | None = None
    action: Action | None = None
    reasons: list[Reason] | None = None
    scores: dict[str, float] | None = None
    model: ModelInfo | None = None
    policy: PolicyRef | None = None
    revision: int | None = Field(default=None, description="0 automated; +1 per moderator change")
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_id: str | None = None
    queue: str | None = None
    statement: StatementOfReasons | None = None
    crisis: bool | None = Field(
        default=None, description="Crisis mode applied: the policy's thresholds were tightened."
    )
    language: str | None = Field(
        default=None, description="The language the post was read as (`und`: undetermined)."
    )
    reply_to: str | None = Field(default=None, description="The post it answers, as submitted.")
    thread_id: str | None = Field(default=None, description="Its conversation, as submitted.")
    history: list[DecisionRevision] | None = None


class SanctionView(BaseModel):
    """A restriction of an author's account: the platform applies it."""

    type: Literal["sanction"] = "sanction"
    schema_version: int = PUBLIC_SCHEMA_VERSION
    sanction_id: str
    tenant: str
    author_id: str
    community: str | None = None
    sanction: SanctionKind
    duration_hours: int | None = Field(default=None, description="None: not timed")
    starts_at: datetime
    expires_at: datetime | None = None
    strikes: int = Field(description="The strike count that triggered it (0: a moderator's call)")
    decided_by: str
    policy: PolicyRef
    post_id: str


class CommunityAlertView(BaseModel):
    """A negativity wave in one of the platform's communities started, grew or ended, or a
    pile-on on one member started or ended (from pulse), with the evidence: for the community's
    managers. For a pile-on, `volume` and `negative` are the replies aimed at `target` in the
    window, `baseline_negative_rate` the member's usual number of negative repliers."""

    type: Literal["community_alert"] = "community_alert"
    schema_version: int = PUBLIC_SCHEMA_VERSION
    alert_id: str
    tenant: str
    community: str | None = None
    kind: str = Field(examples=["wave_started"])
    at: datetime
    wave_started_at: datetime
    window_seconds: int
    volume: int
    negative: int
    negative_rate: float
    baseline_negative_rate: float
    surprise: float
    sample_post_ids: list[str]
    target: str | None = Field(default=None, description="A pile-on's target member.")
    authors: int | None = Field(default=None, description="A pile-on's negative repliers.")


class ReplyView(BaseModel):
    """A reply from the community's staff to a post, for the platform to post as its staff
    account under the post (`post_id`), addressed to its author. `reply_id` is the idempotency
    key: the same reply is never sent twice by a retry, but a platform may see it again after
    a redelivery."""

    type: Literal["reply"] = "reply"
    schema_version: int = PUBLIC_SCHEMA_VERSION
    reply_id: str
    tenant: str
    post_id: str = Field(description="The post answered: the reply's parent.")
    author_id: str = Field(description="The answered post's author, whom the reply is for.")
    community: str | None = None
    text: str
    author_role: str = Field(
        description="The role of who wrote it, to choose the staff account.",
        examples=["moderator", "admin"],
    )
    written_at: datetime
    case_id: str | None = Field(default=None, description="The complaint it answers, if any.")
    theme: str | None = Field(default=None, description="The feedback theme it reports on.")


PublicEvent = Annotated[DecisionView | SanctionView | ReplyView, Field(discriminator="type")]


def revision_of(d: Decision) -> DecisionRevision:
    return DecisionRevision(
        decision_id=d.event_id,
        revision=d.revision,
        action=d.action,
        decided_by=d.decided_by,
        decided_at=d.occurred_at,
        reasons=d.reasons,
        policy=d.policy,
        language=d.language,
    )


def decision_view(d: Decision, history: list[Decision] | None = None) -> DecisionView:
    return DecisionView(
        post_id=d.post_id,
        status="decided",
        tenant=d.tenant,
        author_id=d.author_id,
        community=d.community,
        action=d.action,
        reasons=d.reasons,
        scores=d.scores,
        model=d.model,
        policy=d.policy,
        revision=d.revision,
        decided_by=d.decided_by,
        decided_at=d.occurred_at,
        decision_id=d.event_id,
        queue=d.queue,
        statement=d.statement,
        crisis=d.crisis,
        language=d.language,
        reply_to=d.reply_to,
        thread_id=d.thread_id,
        history=[revision_of(h) for h in history] if history is not None else None,
    )


def sanction_view(s: AuthorSanctioned) -> SanctionView:
    expires = s.occurred_at + timedelta(hours=s.duration_hours) if s.duration_hours else None
    return SanctionView(
        sanction_id=s.event_id,
        tenant=s.tenant,
        author_id=s.author_id,
        community=s.community,
        sanction=s.sanction,
        duration_hours=s.duration_hours,
        starts_at=s.occurred_at,
        expires_at=expires,
        strikes=s.strikes,
        decided_by=s.decided_by,
        policy=s.policy,
        post_id=s.post_id,
    )


def public_view(
    event: Decision | AuthorSanctioned | CommunityAlert | ReplyWritten,
) -> DecisionView | SanctionView | CommunityAlertView | ReplyView:
    if isinstance(event, CommunityAlert):
        return community_alert_view(event)
    if isinstance(event, ReplyWritten):
        return reply_view(event)
    return decision_view(event) if isinstance(event, Decision) else sanction_view(event)


def community_alert_view(alert: CommunityAlert) -> CommunityAlertView:
    return CommunityAlertView(
        alert_id=alert.event_id,
        tenant=alert.tenant,
        community=alert.community,
        kind=alert.kind.value,
        at=alert.at,
        wave_started_at=alert.wave_started_at,
        window_seconds=alert.window_seconds,
        volume=alert.volume,
        negative=alert.negative,
        negative_rate=alert.rate,
        baseline_negative_rate=alert.baseline,
        surprise=alert.surprise,
        sample_post_ids=alert.samples,
        target=alert.target,
        authors=alert.authors,
    )


def reply_view(reply: ReplyWritten) -> ReplyView:
    return ReplyView(
        reply_id=reply.reply_id,
        tenant=reply.tenant,
        post_id=reply.post_id,
        author_id=reply.post_author_id,
        community=reply.community,
        text=reply.text,
        author_role=reply.author_role,
        written_at=reply.occurred_at,
        case_id=reply.case_id,
        theme=reply.theme,
    )
