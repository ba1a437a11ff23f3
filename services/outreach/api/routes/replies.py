"""Replies to members: a community manager or moderator answers a post, from a template or in
their own words. The reply is an event (`moderation.replies.v1`): the gateway hands it to the
platform as `type: reply` on the feed, the SSE stream and webhooks, and escalation records it on
the post's case, where it answers a complaint and closes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, Field, model_validator

from services.contracts import topics
from services.contracts.cases import Case, CaseState, case_id_for, fold
from services.contracts.events import CaseEventKind, ReplyWritten
from services.contracts.text import PRINTABLE, unencodable
from services.outreach import metrics
from services.outreach.adapters.cases import OpenCases
from services.outreach.adapters.templates import ReplyTemplates
from services.outreach.api.deps import (
    BrokerDep,
    CasesDep,
    DecisionsDep,
    Replier,
    SettingsDep,
    Staff,
    TemplatesDep,
)
from services.outreach.api.publishing import published
from services.outreach.domain.replies import filled, refusal, reply_id_for
from services.shared.errors import ApiError

router = APIRouter(prefix="/v1/moderation", tags=["replies"])
ERRORS = {
    401: {"description": "Missing or invalid moderator token"},
    403: {"description": "Replies need the community_manager role or above"},
    404: {"description": "No such post, open case or template for your platform"},
    409: {"description": "The post was removed"},
    422: {"description": "Empty or too long, or neither or both of `text` and `template`"},
    503: {"description": "Kafka or the decisions did not answer; nothing was sent, retry"},
}
PostId = Annotated[str, Path(min_length=1, max_length=256, pattern=PRINTABLE)]
Outcome = Literal["answered", "responded", "sent", "rejected", "pending", "already_sent"]


class ReplyBody(BaseModel):
    text: str | None = Field(default=None, min_length=1, max_length=100_000,
                             examples=["Thanks for telling us; the team is looking into it."])  # fmt: skip
    template: str | None = Field(default=None, min_length=1, max_length=100, pattern=PRINTABLE,
                                 description="A template's name, instead of `text`.")  # fmt: skip
    theme: str | None = Field(default=None, max_length=200, description="Fills `{theme}`.")

    @model_validator(mode="after")
    def _one(self) -> ReplyBody:
        if (self.text is None) == (self.template is None):
            raise ValueError("give exactly one of `text` and `template`")
        return self


class CaseAfter(BaseModel):
    case_id: str
    queue: str
    state: CaseState
    answered: bool
    first_response_at: datetime | None


class ReplyResult(BaseModel):
    reply_id: str = Field(examples=["0b0a9c1e-5f7d-5c8e-9a41-6d2b7e3f1a90"])
    post_id: str = Field(examples=["f2e82753-2e9d-4bfd-b0bd-e7a9ea526965"])
    text: str = Field(examples=["Thanks for telling us; the team is looking into it."])
    outcome: Outcome = Field(
        examples=["answered"],
        description="answered: the complaint is closed; responded: recorded on the post's open "
        "case; sent: the post has no open case; rejected: sent, but the case did not take it "
        "(`reason`); pending: sent, the case had not recorded it in time; already_sent: this "
        "reply went out before and was not sent again.",
    )
    reason: str = ""
    case: CaseAfter | None = None


@router.post("/cases/{case_id}/reply", status_code=201, response_model=ReplyResult,
             responses=ERRORS)  # fmt: skip
async def reply_to_case(
    case_id: PostId, body: ReplyBody, staff: Replier, cases: CasesDep, decisions: DecisionsDep,
    templates: TemplatesDep, broker: BrokerDep, settings: SettingsDep,
) -> ReplyResult:  # fmt: skip
    """Answer the member whose post an open case is about. In a complaints queue (one with a
    response SLA) the reply answers the case and closes it; elsewhere it is the case's first
    response and the case stays as it is."""
    case = await cases.open_case(case_id)
    if case is None or case.tenant != staff.tenant:  # closed by this very reply, sent before?
        if (earlier := await sent_before(case_id, body, staff, cases)) is not None:
            return earlier
        raise ApiError(404, "case_not_open", f"No open case {case_id} for your platform.")
    text = await written(body, staff, case.community, templates, settings.reply_max_chars)
    if (problem := refusal(await decisions.history(case.post_id), staff.tenant)) is not None:
        raise ApiError(*problem)
    reply = replied(staff, case.post_id, case.author_id, case.community, case, text, body)
    return await sent(reply, case, cases, broker, settings.reply_answer_timeout_seconds)


@router.post("/posts/{post_id}/replies", status_code=201, response_model=ReplyResult,
             responses=ERRORS)  # fmt: skip
async def reply_to_post(
    post_id: PostId, body: ReplyBody, staff: Replier, cases: CasesDep, decisions: DecisionsDep,
    templates: TemplatesDep, broker: BrokerDep, settings: SettingsDep,
) -> ReplyResult:  # fmt: skip
    """Answer a post's author. A post with an open case is answered on it, as from the case."""
    history = await decisions.history(post_id)
    if (problem := refusal(history, staff.tenant)) is not None:
        raise ApiError(*problem)
    post = history[-1]
    text = await written(body, staff, post.community, templates, settings.reply_max_chars)
    case = await cases.open_case(case_id_for(post_id))
    reply = replied(staff, post_id, post.author_id, post.community, case, text, body)
    return await sent(reply, case, cases, broker, settings.reply_answer_timeout_seconds)


async def written(
    body: ReplyBody, staff: Staff, community: str | None, templates: ReplyTemplates, limit: int
) -> str:
    """The reply's text, as written or from the template, its placeholders filled; checked."""
    text = body.text or ""
    if body.template is not None:
        template = await templates.get(staff.tenant, community, body.template)
        if template is None:
            raise ApiError(404, "template_not_found", f"No template {body.template!r} here.")
        text = template["text"]
    text = filled(text, {"community": community or "", "theme": body.theme or ""})
    if unencodable(text) or not text.strip():
        raise ApiError(422, "invalid_text", "The reply is empty or holds a NUL or lone surrogate.")
    if len(text) > limit:
        raise ApiError(422, "reply_too_long", f"A reply holds at most {limit} characters.",
                       {"limit": limit, "length": len(text)})  # fmt: skip
    return text


async def sent_before(case_id: str, body: ReplyBody, staff: Staff, cases: OpenCases
                      ) -> ReplyResult | None:  # fmt: skip
    """A reply the client retries on the case it closed: already sent (only a reply written out
    in full can be recognised, the case's community being gone with it)."""
    post_id = await cases.post_replied_on(case_id)
    if post_id is None or body.text is None:
        return None
    reply_id = reply_id_for(post_id, staff.staff_id, body.text)
    if await cases.sent_on(reply_id, staff.tenant) is None:
        return None
    metrics.REPLIES.labels("already_sent").inc()
    return ReplyResult(reply_id=reply_id, post_id=post_id, text=body.text, outcome="already_sent")


def replied(staff: Staff, post_id: str, author_id: str, community: str | None,
            case: Case | None, text: str, body: ReplyBody) -> ReplyWritten:  # fmt: skip
    """The reply as an event; its id (also the event's: the receivers' idempotency key) is
    the same for a retry of the same reply, through either route."""
    reply_id = reply_id_for(post_id, staff.staff_id, text)
    return ReplyWritten(
        event_id=reply_id, reply_id=reply_id, tenant=staff.tenant, post_id=post_id,
        post_author_id=author_id, community=community, text=text, author_role=staff.role.label,
        written_by=staff.staff_id, case_id=case.case_id if case else None, theme=body.theme,
        template=body.template,
    )  # fmt: skip


async def sent(reply: ReplyWritten, case: Case | None, cases: OpenCases, broker: KafkaBroker,
               timeout: float) -> ReplyResult:  # fmt: skip
    result = ReplyResult(reply_id=reply.reply_id, post_id=reply.post_id, text=reply.text,
                         outcome="sent", case=case_after(case))  # fmt: skip
    if await cases.sent_on(reply.reply_id, reply.tenant):
        metrics.REPLIES.labels("already_sent").inc()
        return result.model_copy(update={"outcome": "already_sent"})
    await published(
        broker,
        reply,
        topics.REPLIES,
        topics.author_key(reply.tenant, reply.post_author_id),
        "The reply was not sent; retry.",
    )
    await cases.mark_sent(reply.reply_id, reply.tenant, reply.post_id, reply.case_id)
    if case is None:
        metrics.REPLIES.labels("sent").inc()
        return result
    answer = await cases.answer(reply.reply_id, timeout)
    outcome: Outcome = "pending" if answer is None else OUTCOMES.get(answer.kind, "rejected")
    metrics.REPLIES.labels(outcome).inc()
    reason = answer.reason if answer is not None and outcome == "rejected" else ""
    after = fold(case, answer) if answer is not None else case
    return result.model_copy(update={"outcome": outcome, "reason": reason,
                                     "case": case_after(after)})  # fmt: skip


OUTCOMES: dict[CaseEventKind, Outcome] = {
    CaseEventKind.ANSWERED: "answered",
    CaseEventKind.RESPONDED: "responded",
}


def case_after(case: Case | None) -> CaseAfter | None:
    if case is None:
        return None
    return CaseAfter(case_id=case.case_id, queue=case.queue, state=case.state,
                     answered=case.answered, first_response_at=case.first_response_at)  # fmt: skip
