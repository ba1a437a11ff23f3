"""Which cases a moderator's search or list filter keeps. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.contracts.cases import Case, CaseState


@dataclass(frozen=True)
class Search:
    post_id: str | None = None
    author_id: str | None = None
    assignee: str | None = None
    state: CaseState | None = None
    community: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def matches(self, case: Case) -> bool:
        return (
            (self.state is None or case.state is self.state)
            and (self.community is None or case.community == self.community)
            and (self.author_id is None or case.author_id == self.author_id)
            and (self.assignee is None or case.assignee == self.assignee)
            and (self.since is None or case.opened_at >= self.since)
            and (self.until is None or case.opened_at <= self.until)
        )
