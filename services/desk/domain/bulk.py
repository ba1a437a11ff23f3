"""Bulk actions on cases: which open cases a selection takes, and which of them a moderator
may act on. Pure.

A bulk action is one action with one reason on many cases, each still getting its own claim,
decision revision, statement of reasons and audit entry (escalation handles every case's
commands as a moderator's single ones). The commands' ids derive from the bulk id and the case,
so a retried bulk action (same `bulk_id`) never applies twice: escalation answers a command it
has seen once, and a case already resolved is reported as done.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from services.contracts.cases import Case, CaseState
from services.contracts.events import Command, derived_id
from services.contracts.text import PRINTABLE

MAX_CASES = 1000
BULK_ACTIONS = (Command.APPROVE, Command.REMOVE, Command.HOLD, Command.LABEL)


class Selection(BaseModel):
    """Open cases to act on: every field given must hold (at least one is required)."""

    author_id: str | None = Field(default=None, max_length=256, examples=["raider-7"])
    community: str | None = Field(default=None, max_length=128)
    since: datetime | None = Field(default=None, description="Opened at or after")
    until: datetime | None = Field(default=None, description="Opened at or before")
    text: str | None = Field(
        default=None, min_length=2, max_length=200, description="In the post, any case"
    )
    aimed_at: str | None = Field(
        default=None, max_length=256, pattern=PRINTABLE, examples=["member-17"],
        description="Replies to or mentions of this member (a pile-on's target)",
    )  # fmt: skip

    @model_validator(mode="after")
    def _narrow(self) -> Selection:
        if not any(v is not None for v in self.model_dump().values()):
            raise ValueError("a bulk selection needs at least one condition")
        return self

    def matches(self, case: Case) -> bool:
        return (
            case.state is not CaseState.RESOLVED
            and (self.author_id is None or case.author_id == self.author_id)
            and (self.community is None or case.community == self.community)
            and (self.since is None or case.opened_at >= self.since)
            and (self.until is None or case.opened_at <= self.until)
            and (self.text is None or self.text.casefold() in case.text.casefold())
            and (self.aimed_at is None or self.aimed_at in case.aimed_at)
        )


def refusal(case: Case, moderator_id: str) -> str | None:
    """Why this moderator may not act on this case in bulk, or None."""
    if case.state is CaseState.RESOLVED:
        return "already resolved"
    if case.assignee is not None and case.assignee != moderator_id:
        return f"claimed by {case.assignee}"
    if case.appealed and case.first_decider == moderator_id:
        return "an appeal of your own decision: another moderator decides it"
    return None


def action_id(bulk_id: str, case_id: str, verb: Command) -> str:
    return derived_id("bulk", bulk_id, case_id, verb.value)
