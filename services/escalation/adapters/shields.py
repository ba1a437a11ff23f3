"""Which members are shielded from a pile-on, in which community (the shields topic,
escalation's own)."""

from __future__ import annotations

from services.contracts.events import ShieldChanged
from services.escalation.adapters.switches import Switches
from services.escalation.metrics import SHIELDED

SEP = "\x1f"  # never in a community's name or a member's id (both printable)


def shielded_one(community: str | None, member: str) -> str:
    return f"{community or ''}{SEP}{member}"


class ShieldBoard(Switches[ShieldChanged]):
    def __init__(self) -> None:
        super().__init__(
            lambda c: (c.tenant, shielded_one(c.community, c.member)), lambda c: c.on, SHIELDED
        )

    def shield_of(self, tenant: str, community: str | None, member: str) -> ShieldChanged | None:
        return self.current(tenant, shielded_one(community, member))

    def covers(self, tenant: str, community: str | None, members: set[str]) -> bool:
        return any(self.shield_of(tenant, community, m) is not None for m in members)
