"""Which members' reports are muted (the reporter-mutes topic, the desk's). A mute that lapsed
is held until it is lifted or replaced, and mutes nothing meanwhile."""

from __future__ import annotations

from datetime import datetime

from services.contracts.events import ReporterMuted
from services.escalation.adapters.switches import Switches
from services.escalation.metrics import REPORTERS_MUTED


class MuteBoard(Switches[ReporterMuted]):
    def __init__(self) -> None:
        super().__init__(lambda c: (c.tenant, c.reporter_id), lambda c: c.muted, REPORTERS_MUTED)

    def muted(self, tenant: str, reporter_id: str, at: datetime) -> bool:
        """Whether a report made at `at` is muted (a report older than the mute is not)."""
        found = self.current(tenant, reporter_id)
        return found is not None and found.occurred_at <= at and found.in_force(at)
