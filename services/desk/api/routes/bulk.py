"""Bulk actions: select open cases (author, community, time, text, a pile-on's target),
preview them, and apply one action with one reason to all, up to 1,000 at a time. Each case is
claimed and acted on with commands of its own (its own decision revision, statement of reasons
and audit entry); a case another moderator holds, or an appeal of your own decision, is refused
alone. A retry with the same `bulk_id` applies nothing twice."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.contracts import topics
from services.contracts.cases import Case
from services.contracts.events import CaseEventKind, Command, moderator_action
from services.desk import metrics
from services.desk.adapters.cases import CaseBoard, author_cases_key, by_time_key
from services.desk.api.deps import BrokerDep, CaseBoardDep, CurrentModerator, Moderator
from services.desk.api.routes.cases import COMMAND_ERRORS, ERRORS, CaseView, case_view
from services.desk.domain.access import role_needed
from services.desk.domain.bulk import MAX_CASES, Selection, action_id, refusal
from services.shared import paging
from services.shared.errors import ApiError

router = APIRouter(prefix="/v1/moderation/bulk", tags=["moderation"])
MAX_SCANNED = 50_000  # index entries read for one selection, at most
SHOWN = 50
ANSWERS_SECONDS = 120.0  # how long a bulk action waits for escalation's answers
Limit = Annotated[int, Field(ge=1, le=MAX_CASES)]


class Preview(BaseModel):
    selection: Selection
    limit: Limit = MAX_CASES


class Previewed(BaseModel):
    matched: int = Field(description="Open cases the selection takes, up to `limit`.")
    more: bool = Field(description="It takes more than that (act, then preview again).")
    cases: list[CaseView] = Field(description=f"The newest {SHOWN} of them.")


class Bulk(Preview):
    bulk_id: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
        examples=["raid-2026-12-07-a"],
        description="Yours, for retries: the same id never applies an action to a case twice.",
    )  # fmt: skip
    action: Literal[Command.APPROVE, Command.REMOVE, Command.HOLD, Command.LABEL]
    reason: str = Field(min_length=1, max_length=2000, examples=["Raid on 7 December"])


class CaseOutcome(BaseModel):
    case_id: str
    outcome: Literal["done", "refused", "rejected", "timeout"]
    reason: str | None = None


class BulkResult(BaseModel):
    bulk_id: str = Field(examples=["raid-2026-12-07-a"])
    action: Command
    requested: int
    done: int
    refused: int = Field(description="Not sent: held by another moderator, resolved, ...")
    rejected: int = Field(description="Escalation refused it (the reason says why)")
    timed_out: int = Field(description="No answer in time; it may still apply")
    more: bool = Field(description="The selection takes more cases than this action did.")
    seconds: float
    cases: list[CaseOutcome]


async def selected(board: CaseBoard, tenant: str, chosen: Selection, limit: int):
    """Up to `limit` open cases the selection takes, newest first, and whether it takes more;
    reads at most MAX_SCANNED index entries, whatever the history."""
    key = author_cases_key(tenant, chosen.author_id) if chosen.author_id else by_time_key(tenant)
    low = chosen.since.timestamp() if chosen.since else "-inf"
    high = chosen.until.timestamp() if chosen.until else "+inf"
    found: list[Case] = []
    position, scanned = None, 0
    while len(found) < limit and scanned < MAX_SCANNED:
        page, cursor = await board.scan(
            key, position, limit - len(found), chosen.matches, newest_first=True, low=low,
            high=high, max_scan=2000,
        )  # fmt: skip
        found += [c for c in page if c.tenant == tenant]
        scanned += 2000
        if cursor is None:
            return found, False
        position = paging.decode(cursor)
    return found, True


@router.post(":preview", response_model=Previewed, responses=ERRORS)
async def preview(body: Preview, moderator: CurrentModerator, board: CaseBoardDep) -> Previewed:
    """What a bulk action with this selection would act on."""
    cases, more = await selected(board, moderator.tenant, body.selection, body.limit)
    return Previewed(matched=len(cases), more=more, cases=[case_view(c) for c in cases[:SHOWN]])


@router.post("", response_model=BulkResult, responses=COMMAND_ERRORS)
async def apply(
    body: Bulk, moderator: CurrentModerator, board: CaseBoardDep, broker: BrokerDep
) -> BulkResult:
    """Apply one action with one reason to every case the selection takes (up to `limit`):
    each is claimed for you and resolved, and answered case by case."""
    needed = role_needed(body.action)
    if moderator.role < needed:
        raise ApiError(403, "forbidden", f"{body.action} needs the {needed.label} role.")
    started = time.monotonic()
    cases, more = await selected(board, moderator.tenant, body.selection, body.limit)
    outcomes: dict[str, CaseOutcome] = {}
    sent: list[tuple[str, str]] = []  # (case, the action's command id)
    for case in cases:
        why = refusal(case, moderator.moderator_id)
        if why is not None:
            outcomes[case.case_id] = CaseOutcome(
                case_id=case.case_id, outcome="refused", reason=why
            )
            continue
        sent.append((case.case_id, await send(broker, body, moderator, case)))
    outcomes |= await answers(board, sent, started + ANSWERS_SECONDS)
    ordered = [outcomes[c.case_id] for c in cases]
    for outcome in ordered:
        metrics.BULK_CASES.labels(outcome.outcome).inc()
    count = {kind: sum(o.outcome == kind for o in ordered)
             for kind in ("done", "refused", "rejected", "timeout")}  # fmt: skip
    return BulkResult(
        bulk_id=body.bulk_id, action=body.action, requested=len(cases), done=count["done"],
        refused=count["refused"], rejected=count["rejected"], timed_out=count["timeout"],
        more=more, seconds=round(time.monotonic() - started, 3), cases=ordered,
    )  # fmt: skip


async def send(broker, body: Bulk, moderator: Moderator, case: Case) -> str:
    """The case's claim (unless it is yours already) and action, in order on its author's
    partition, so escalation sees the claim first."""
    verbs = ([] if case.assignee == moderator.moderator_id else [Command.CLAIM]) + [body.action]
    key = topics.author_key(case.tenant, case.author_id)
    for verb in verbs:
        command = moderator_action(
            action_id=action_id(body.bulk_id, case.case_id, verb), case_id=case.case_id,
            tenant=case.tenant, author_id=case.author_id, moderator_id=moderator.moderator_id,
            command=verb, reason=f"bulk {body.bulk_id}: {body.reason}",
        )  # fmt: skip
        await broker.publish(command.model_dump(mode="json"), topics.MODERATOR_ACTIONS, key=key)
    return action_id(body.bulk_id, case.case_id, body.action)


async def answers(
    board: CaseBoard, sent: list[tuple[str, str]], deadline: float
) -> dict[str, CaseOutcome]:
    """Each action's answer, as escalation gives them (they come in about the order sent)."""
    found: dict[str, CaseOutcome] = {}
    for case_id, command_id in sent:
        left = max(0.0, deadline - time.monotonic())
        answer = await board.answer(command_id, left) if left else None
        if answer is None:
            found[case_id] = CaseOutcome(case_id=case_id, outcome="timeout")
        elif answer.kind is CaseEventKind.REJECTED:
            found[case_id] = CaseOutcome(case_id=case_id, outcome="rejected", reason=answer.reason)
        else:
            found[case_id] = CaseOutcome(case_id=case_id, outcome="done")
        await asyncio.sleep(0)
    return found
