"""Which members' reports are muted: every replica holds the mutes in memory, replayed from the
reporter-mutes topic when it starts, so admitting a report reads no Redis for it. Only mutes
in force are held (an unmute or a lapsed one is dropped), so memory follows the mutes, not
history."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts.events import ReporterMuted
from services.escalation.metrics import REPORTERS_MUTED


class MuteBoard:
    def __init__(self) -> None:
        self._muted: dict[tuple[str, str], ReporterMuted] = {}

    def apply(self, change: ReporterMuted) -> None:
        where = (change.tenant, change.reporter_id)
        current = self._muted.get(where)
        if current is not None and current.occurred_at > change.occurred_at:
            return
        if change.muted:
            self._muted[where] = change
        else:
            self._muted.pop(where, None)
        REPORTERS_MUTED.set(len(self._muted))

    def muted(self, tenant: str, reporter_id: str, at: datetime) -> bool:
        """Whether a report made at `at` is muted (a report older than the mute is not)."""
        found = self._muted.get((tenant, reporter_id))
        if found is None or found.occurred_at > at:
            return False
        if not found.in_force(at):
            if found.until is not None and found.until <= datetime.now(UTC):
                self._muted.pop((tenant, reporter_id))  # lapsed for good
                REPORTERS_MUTED.set(len(self._muted))
            return False
        return True
