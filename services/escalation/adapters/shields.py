"""Which members are shielded from a pile-on (the shields topic, escalation's own)."""

from __future__ import annotations

from services.contracts.events import ShieldChanged
from services.escalation.adapters.switches import Switches
from services.escalation.metrics import SHIELDED


class ShieldBoard(Switches[ShieldChanged]):
    def __init__(self) -> None:
        super().__init__(lambda c: (c.tenant, c.member), lambda c: c.on, SHIELDED)

    def covers(self, tenant: str, members: set[str]) -> bool:
        return any(self.current(tenant, m) is not None for m in members)
