"""Which communities are in crisis mode: every replica holds the switches in memory, replayed
from the crisis topic (its own) when it starts, so judging a post reads no Redis."""

from __future__ import annotations

from services.contracts.events import CrisisChanged
from services.escalation.metrics import IN_CRISIS


class CrisisBoard:
    def __init__(self) -> None:
        self._latest: dict[tuple[str, str | None], CrisisChanged] = {}

    def apply(self, change: CrisisChanged) -> None:
        where = (change.tenant, change.community)
        current = self._latest.get(where)
        if current is None or current.occurred_at <= change.occurred_at:
            self._latest[where] = change
        IN_CRISIS.set(sum(1 for c in self._latest.values() if c.on))

    def current(self, tenant: str, community: str | None) -> CrisisChanged | None:
        return self._latest.get((tenant, community))

    def is_on(self, tenant: str, community: str | None) -> bool:
        found = self._latest.get((tenant, community))
        return found is not None and found.on
