"""Which members are shielded from a pile-on: every replica holds the switches in memory,
replayed from the shields topic (its own) when it starts, so judging a post reads no Redis.
Only members shielded now are held, so memory follows the pile-ons under way, not history."""

from __future__ import annotations

from services.contracts.events import ShieldChanged
from services.escalation.metrics import SHIELDED


class ShieldBoard:
    def __init__(self) -> None:
        self._on: dict[tuple[str, str], ShieldChanged] = {}

    def apply(self, change: ShieldChanged) -> None:
        where = (change.tenant, change.member)
        current = self._on.get(where)
        if current is not None and current.occurred_at > change.occurred_at:
            return
        if change.on:
            self._on[where] = change
        else:
            self._on.pop(where, None)
        SHIELDED.set(len(self._on))

    def current(self, tenant: str, member: str) -> ShieldChanged | None:
        return self._on.get((tenant, member))

    def covers(self, tenant: str, members: set[str]) -> bool:
        return any((tenant, m) in self._on for m in members)
