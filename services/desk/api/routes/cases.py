"""The moderator API: queues, cases, and commands on cases, served from the desk's own views
of the case-events and strikes topics.

A command is checked against the moderator's role (403, nothing published), published as a
ModeratorAction, and answered when the case event carrying its action_id (escalation's
acceptance or rejection) has reached the desk's view, or on a timeout.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, Field

from services.contracts import topics
from services.contracts.cases import Case, CaseState
from services.contracts.conversations import Conversation
from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    Command,
    EscalateTo,
    SanctionKind,
    SanctionOrder,
    moderator_action,
)
from services.contracts.public import DecisionRevision, revision_of
from services.desk import metrics
from services.desk.adapters.cases import CaseBoard
from services.desk.api.deps import (
    Admin,
    BrokerDep,
    CaseBoardDep,
    CurrentModerator,
    DecisionsDep,
    Moderator,
    SettingsDep,
)
from services.desk.domain.access import role_needed
from services.desk.domain.search import Search
from services.shared import paging
from services.shared.errors import ApiError
from services.shared.paging import Listing, Page
from services.shared.platforms import position_of
from services.shared.sse import event_stream, sse_response, valid_cursor

router = APIRouter(prefix="/v1/moderation", tags=["moderation"])
LIVE_HEARTBEAT_SECONDS = 15.0
ERRORS = {
    401: {"description": "Missing or invalid moderator token"},
    404: {"description": "No such case for your platform"},
}
COMMAND_ERRORS = {
    **ERRORS,
    403: {"description": "Your role may not do this; nothing was published"},
    409: {"description": "Escalation rejected the command (the reason says why)"},
    504: {"description": "No answer in time; the command may still be applied"},
}


class QueueView(BaseModel):
    queue: str = Field(examples=["review"])
    depth: int = Field(examples=[12])
    oldest_age_seconds: float | None = Field(examples=[340.5])
    overdue: int = Field(description="Open cases past their SLA deadline.")
    sla_breaches_24h: int = Field(description="Cases that breached this queue's SLA in 24 h.")


class QueueList(Listing[QueueView]):
    """Every one of the queues."""


class CaseView(BaseModel):
    case_id: str = Field(examples=["8f6fc90d-cf19-4eab-83f2-d7cdc01e886b"])
    post_id: str = Field(examples=["f2e82753-2e9d-4bfd-b0bd-e7a9ea526965"])
    author_id: str = Field(examples=["user-17"])
    community: str | None = Field(examples=["support"])
    queue: str = Field(examples=["review"])
    priority: int = Field(examples=[1])
    state: CaseState
    assignee: str | None
    sla_deadline: datetime | None
    opened_at: datetime
    resolution: Action | None
    appealed: bool
    sla_breaches: int
    first_decider: str | None = Field(
        description="Who resolved the case first: that moderator may not decide its appeal."
    )
    reports: int = Field(
        default=0,
        description="Community members' reports that count (repeats and capped left out).",
    )
    first_response_at: datetime | None = Field(
        default=None, description="When the desk first replied to the post."
    )
    answered: bool = Field(default=False, description="A complaint closed by a reply.")


class CaseList(Page[CaseView]):
    """One page of cases."""


class PostView(BaseModel):
    post_id: str
    external_id: str
    author_id: str
    community: str | None
    text: str
    reply_to: str | None = Field(default=None, description="The post it answers, as sent.")
    thread_id: str | None = Field(default=None, description="Its conversation, as sent.")


class AuthorHistory(BaseModel):
    author_id: str
    strikes: int = Field(
        description="Strikes inside the window of the policy that gave them: what the policy "
        "judges the author's next post by."
    )
    strikes_at_decision: int | None = Field(
        default=None, description="The strike count the policy judged this post by."
    )
    recent_decisions: list[DecisionRevision]


class TrailEntry(BaseModel):
    at: datetime
    kind: CaseEventKind
    actor: str
    queue: str
    reason: str
    resolution: Action | None = None


class ReportView(BaseModel):
    report_id: str
    reporter_id: str
    reason_code: str
    text: str | None
    reported_at: datetime


class CaseDetail(BaseModel):
    case: CaseView
    post: PostView
    scores: dict[str, float]
    reports: list[ReportView] = Field(
        default_factory=list, description="The latest members' reports (up to 10), oldest first."
    )
    author: AuthorHistory
    decisions: list[DecisionRevision] = Field(description="This post's decisions, oldest first.")
    trail: list[TrailEntry] = Field(
        description="Every event of the case, oldest first: who did what, when (notes too)."
    )
    conversation: Conversation = Field(
        description="The post it answers, its neighbours in its thread and its author's recent "
        "posts, each with its latest decision and scores (blur by the same rule as the post)."
    )


def trail_entry(event: CaseEvent) -> TrailEntry:
    return TrailEntry(
        at=event.occurred_at,
        kind=event.kind,
        actor=event.actor,
        queue=event.queue,
        reason=event.reason,
        resolution=event.resolution,
    )


class CommandResult(BaseModel):
    action_id: str = Field(examples=["f68c4006-5948-4be4-a9ab-4d0d78915e9f"])
    outcome: Literal["accepted"]
    event: CaseEventKind
    case: CaseView


class Act(BaseModel):
    action: Literal[
        Command.APPROVE,
        Command.REMOVE,
        Command.HOLD,
        Command.LABEL,
        Command.ESCALATE,
        Command.SANCTION,
    ]
    reason: str = Field(default="", max_length=2000, examples=["Insult aimed at another member"])
    queue: str | None = Field(
        default=None, description="For escalate: the target queue.", examples=["senior"]
    )
    sanction: SanctionKind | None = Field(default=None, description="For sanction.")
    duration_hours: int | None = Field(default=None, ge=1, le=24 * 365 * 10)


class Note(BaseModel):
    text: str = Field(
        min_length=1,
        max_length=5000,
        examples=["Second report this week; see the case of 2 December."],
    )


class Appeal(BaseModel):
    reason: str = Field(
        default="", max_length=2000, examples=["I was quoting the insult to report it."]
    )


def case_view(case: Case) -> CaseView:
    return CaseView.model_validate(case, from_attributes=True)


async def found(board: CaseBoard, tenant: str, case_id: str) -> Case:
    case = await board.get(case_id)
    if case is None or case.tenant != tenant:
        raise ApiError(404, "case_not_found", f"No case {case_id}.")
    return case


@router.get(
    "/live",
    response_class=StreamingResponse,
    responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
)
async def live(
    request: Request,
    moderator: CurrentModerator,
    board: CaseBoardDep,
    last_event_id: Annotated[str | None, Header(description="resume after this event")] = None,
) -> StreamingResponse:
    """Changes to your platform's cases as Server-Sent Events (`event: case`, data: `kind`,
    `case_id`, `queue`, `state`, `assignee`): the console refreshes queues and lists on them
    and greys out a case someone else claimed, without polling. Without `Last-Event-ID` it
    starts with what comes next."""
    tenant = moderator.tenant
    after = last_event_id if last_event_id and valid_cursor(last_event_id) else None
    after = after or await board.last_change(tenant)
    wait = partial(board.changes, tenant, block_ms=1000)
    events = event_stream(request, wait, after, LIVE_HEARTBEAT_SECONDS,
                          lambda change: ("case", json.dumps(change)), metrics.LIVE_CLIENTS)  # fmt: skip
    return sse_response(events)


class ModeratorQuality(BaseModel):
    moderator_id: str = Field(examples=["alice"])
    decided: int = Field(description="Cases they resolved first.")
    appealed: int = Field(description="Of those, appealed by the author.")
    upheld: int = Field(description="Appeals where a second moderator made the same call.")
    overturned: int = Field(description="Appeals where a second moderator changed the call.")
    reviewed: int = Field(description="Appeals of others' calls they decided.")
    overturn_rate: float | None = Field(description="overturned / (upheld + overturned)")
    golden_right: int = Field(description="Golden cases (known answers) they called as expected.")
    golden_wrong: int = Field(description="Golden cases they called otherwise.")
    golden_accuracy: float | None = Field(description="golden_right / all their golden calls")


class QualityList(Listing[ModeratorQuality]):
    """Every moderator with a call on record."""


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


@router.get("/quality", response_model=QualityList, responses=ERRORS)
async def quality(moderator: Admin, board: CaseBoardDep) -> QualityList:
    """Agreement per moderator: their calls, how many were appealed, and how many a second
    moderator upheld or overturned (per rule: `escalation_automation_reviews_total` and
    `escalation_appeals_decided_total`)."""
    found = await board.quality(moderator.tenant)
    return QualityList(data=[
        ModeratorQuality(moderator_id=m, **c,
                         overturn_rate=share(c["overturned"], c["upheld"] + c["overturned"]),
                         golden_accuracy=share(c["golden_right"],
                                               c["golden_right"] + c["golden_wrong"]))
        for m, c in found.items()
    ])  # fmt: skip


@router.get("/queues", response_model=QueueList, responses=ERRORS)
async def list_queues(moderator: CurrentModerator, board: CaseBoardDep) -> QueueList:
    """Queues with open cases: how many, and how long the oldest has waited."""
    now = time.time()
    return QueueList(
        data=[
            QueueView(
                queue=q.queue,
                depth=q.depth,
                oldest_age_seconds=now - q.oldest_opened if q.oldest_opened else None,
                overdue=q.overdue,
                sla_breaches_24h=q.breaches_24h,
            )
            for q in await board.queues(moderator.tenant)
        ]
    )


NEXT_ATTEMPTS = 5
NEXT_SLICES = 10  # of up to 2,000 index entries each: past that many claimed cases, 404


@router.post(
    "/queues/{queue}/next",
    response_model=CommandResult,
    responses={**COMMAND_ERRORS, 404: {"description": "No unclaimed case you may take"}},
)
async def next_case(
    queue: str, moderator: CurrentModerator, board: CaseBoardDep, commands: CommandsDep
) -> CommandResult:
    """Claim, for you, the unclaimed case with the highest priority and the earliest deadline.
    Escalation decides claims one at a time, so two moderators asking at once get different
    cases: the one whose claim loses moves on to the next case."""
    lost: set[str] = set()

    def takeable(c: Case) -> bool:
        mine_to_appeal = c.appealed and c.first_decider == moderator.moderator_id
        return c.state is CaseState.OPEN and c.case_id not in lost and not mine_to_appeal

    async def top() -> list[Case]:
        """The first takeable case, looking past claimed ones a bounded slice at a time."""
        position = None
        for _ in range(NEXT_SLICES):
            page, cursor = await board.page(moderator.tenant, queue, position, 1, takeable)
            if page or cursor is None:
                return page
            position = paging.decode(cursor)
        return []

    for _ in range(NEXT_ATTEMPTS):
        page = await top()
        if not page:
            raise ApiError(404, "queue_empty", f"No unclaimed case you may take in {queue}.")
        try:
            return await commands.send(moderator, page[0].case_id, Command.CLAIM)
        except ApiError as error:
            if error.status != 409:
                raise
            lost.add(page[0].case_id)
    raise ApiError(409, "queue_busy", "Others claimed every case tried; ask again.")


@router.get(
    "/cases",
    response_model=CaseList,
    responses={**ERRORS, 422: {"description": "A cursor this API did not give out"}},
)
async def search_cases(
    moderator: CurrentModerator,
    board: CaseBoardDep,
    post_id: str | None = None,
    author_id: str | None = None,
    state: CaseState | None = None,
    community: str | None = None,
    since: Annotated[datetime | None, Query(description="Opened at or after")] = None,
    until: Annotated[datetime | None, Query(description="Opened at or before")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
) -> CaseList:
    """Find cases of any state (resolved included), newest first, by post id, author, state,
    community and when they opened."""
    search = Search(post_id, author_id, state=state, community=community, since=since, until=until)
    page, next_cursor = await board.search(moderator.tenant, search, position_of(cursor), limit)
    return CaseList(data=[case_view(c) for c in page], next_cursor=next_cursor)


@router.get("/appeals", response_model=CaseList, responses=ERRORS)
async def list_appeals(
    moderator: CurrentModerator,
    board: CaseBoardDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
) -> CaseList:
    """Appealed cases still open, in queue order; `first_decider` may not take them."""
    page, next_cursor = await board.appeals(moderator.tenant, position_of(cursor), limit)
    return CaseList(data=[case_view(c) for c in page], next_cursor=next_cursor)


@router.get(
    "/queues/{queue}/cases",
    response_model=CaseList,
    responses={**ERRORS, 422: {"description": "A cursor this API did not give out"}},
)
async def list_cases(
    queue: str,
    moderator: CurrentModerator,
    board: CaseBoardDep,
    state: CaseState | None = None,
    assignee: str | None = None,
    community: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the page before")] = None,
) -> CaseList:
    """Open cases by priority, then SLA deadline; filter by state, assignee or community.
    `next_cursor` is set while the queue has more; a narrow filter may give a short page with
    a cursor to go on from."""
    keep = Search(state=state, assignee=assignee, community=community).matches
    page, next_cursor = await board.page(moderator.tenant, queue, position_of(cursor), limit, keep)
    return CaseList(data=[case_view(c) for c in page], next_cursor=next_cursor)


@router.get("/cases/{case_id}", response_model=CaseDetail, responses=ERRORS)
async def get_case(
    case_id: str, moderator: CurrentModerator, board: CaseBoardDep, decisions: DecisionsDep
) -> CaseDetail:
    """The case with its post, scores, the author's record, the post's decisions, the
    conversation around the post and the case's audit trail."""
    case = await found(board, moderator.tenant, case_id)
    trail = await board.trail(case_id)
    opened = next((e for e in trail if e.kind is CaseEventKind.OPENED), None)
    # a golden case's copy must not show its answer: the original among the author's posts
    original = await board.get(case.golden_id) if case.golden_id else None
    hidden = original.post_id if original else None
    recent = [d for d in await decisions.by_author(case.tenant, case.author_id)
              if d.post_id != hidden]  # fmt: skip
    around = await decisions.conversation(case.tenant, case.post_id, case.author_id)
    return CaseDetail(
        case=case_view(case),
        post=PostView.model_validate(case, from_attributes=True),
        scores=case.scores,
        reports=[ReportView(**r) for r in case.recent_reports],
        author=AuthorHistory(
            author_id=case.author_id,
            strikes=await board.strikes(case.tenant, case.community, case.author_id),
            strikes_at_decision=opened.author_strikes if opened else None,
            recent_decisions=[revision_of(d) for d in recent],
        ),
        decisions=[revision_of(d) for d in await decisions.history(case.post_id)],
        trail=[trail_entry(e) for e in trail],
        conversation=around.model_copy(
            update={  # reply_to: the case's, if the gateway has none
                "reply_to": case.reply_to,
                "author_recent": [p for p in around.author_recent if p.post_id != hidden],
            }
        ),
    )


@dataclass(frozen=True)
class Commands:
    """What sending a command takes: the case view (to find the case and wait for the answer),
    the broker and the answer's timeout."""

    board: CaseBoard
    broker: KafkaBroker
    timeout: float

    async def send(
        self,
        moderator: Moderator,
        case_id: str,
        verb: Command,
        reason: str = "",
        arguments: BaseModel | None = None,
    ) -> CommandResult:
        case = await found(self.board, moderator.tenant, case_id)
        needed = role_needed(verb, getattr(arguments, "sanction", None))
        if moderator.role < needed:
            metrics.MODERATOR_COMMANDS.labels(verb, "forbidden").inc()
            raise ApiError(403, "forbidden", f"{verb} needs the {needed.label} role.")
        action = moderator_action(
            case_id=case.case_id, tenant=case.tenant, author_id=case.author_id,
            moderator_id=moderator.moderator_id, command=verb, reason=reason,
            **({"arguments": arguments} if arguments is not None else {}),
        )  # fmt: skip
        key = topics.author_key(case.tenant, case.author_id)
        await self.broker.publish(action.model_dump(mode="json"), topics.MODERATOR_ACTIONS, key=key)
        answer = await self.board.answer(action.action_id, self.timeout)
        details = {"action_id": action.action_id}
        if answer is None:
            metrics.MODERATOR_COMMANDS.labels(verb, "timeout").inc()
            raise ApiError(504, "answer_timeout", "Escalation did not answer in time.", details)
        if answer.kind is CaseEventKind.REJECTED:
            metrics.MODERATOR_COMMANDS.labels(verb, "rejected").inc()
            raise ApiError(409, "command_rejected", answer.reason, details)
        metrics.MODERATOR_COMMANDS.labels(verb, "accepted").inc()
        after = case_view(await found(self.board, moderator.tenant, case_id))
        return CommandResult(
            action_id=action.action_id, outcome="accepted", event=answer.kind, case=after
        )


async def _commands(board: CaseBoardDep, broker: BrokerDep, settings: SettingsDep) -> Commands:
    return Commands(board, broker, settings.moderator_answer_timeout_seconds)


CommandsDep = Annotated[Commands, Depends(_commands)]


@router.post("/cases/{case_id}/claim", response_model=CommandResult, responses=COMMAND_ERRORS)
async def claim(case_id: str, moderator: CurrentModerator, commands: CommandsDep) -> CommandResult:
    """Take the case: no one else can act on it until you resolve or unclaim it."""
    return await commands.send(moderator, case_id, Command.CLAIM)


@router.post("/cases/{case_id}/unclaim", response_model=CommandResult, responses=COMMAND_ERRORS)
async def unclaim(
    case_id: str, moderator: CurrentModerator, commands: CommandsDep
) -> CommandResult:
    """Give a claimed case back to its queue for someone else to take."""
    return await commands.send(moderator, case_id, Command.UNCLAIM)


@router.post("/cases/{case_id}/notes", response_model=CommandResult, responses=COMMAND_ERRORS)
async def add_note(
    case_id: str, body: Note, moderator: CurrentModerator, commands: CommandsDep
) -> CommandResult:
    """Add a note to the case's audit trail, for the next moderator."""
    return await commands.send(moderator, case_id, Command.NOTE, body.text)


@router.post("/cases/{case_id}/actions", response_model=CommandResult, responses=COMMAND_ERRORS)
async def act(
    case_id: str, body: Act, moderator: CurrentModerator, commands: CommandsDep
) -> CommandResult:
    """Resolve a claimed case (approve, remove, hold, label, or sanction the author), or move
    it to another queue (escalate)."""
    arguments: BaseModel | None = None
    if body.action is Command.ESCALATE:
        if not body.queue:
            raise ApiError(422, "queue_required", "escalate needs a target queue.")
        arguments = EscalateTo(queue=body.queue)
    if body.action is Command.SANCTION:
        if body.sanction is None:
            raise ApiError(422, "sanction_required", "sanction needs a sanction kind.")
        arguments = SanctionOrder(sanction=body.sanction, duration_hours=body.duration_hours)
    return await commands.send(moderator, case_id, body.action, body.reason, arguments)


@router.post("/cases/{case_id}/appeal", response_model=CommandResult, responses=COMMAND_ERRORS)
async def appeal(
    case_id: str, body: Appeal, moderator: CurrentModerator, commands: CommandsDep
) -> CommandResult:
    """Reopen a resolved case on the author's appeal; another moderator must decide it."""
    return await commands.send(moderator, case_id, Command.APPEAL, body.reason)
