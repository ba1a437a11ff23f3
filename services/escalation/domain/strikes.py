"""Strikes -> sanctions. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.contracts.events import StrikeEvent
from services.policy.language import SanctionStep, Strikes


def sanction_for(before: int, after: int, strikes: Strikes) -> SanctionStep | None:
    """The most severe ladder step crossed when the count went from `before` to `after`."""
    crossed = [step for step in strikes.ladder if before < step.at <= after]
    return crossed[-1] if crossed else None


Author = tuple[str, str | None, str]  # tenant, community (None: tenant-wide), author id


def author_of(tenant: str, community: str | None, author_id: str) -> Author:
    return (tenant, community, author_id)


@dataclass
class StrikeTally:
    """The strike units of a batch's authors (unit id -> when given), read once for the batch.
    A strike given while the batch is judged counts for the same author's next post in it,
    as a fresh read would; giving a unit the author already carries changes nothing."""

    units: dict[Author, dict[str, float]] = field(default_factory=dict)

    def count(self, author: Author, since: float, excluding: str = "") -> int:
        """Units given at or after `since`, leaving out those of the strike `excluding`."""
        return sum(
            1
            for unit, at in self.units.get(author, {}).items()
            if at >= since and not (excluding and unit.startswith(f"{excluding}#"))
        )

    def add(self, strike: StrikeEvent) -> None:
        units = self.units.setdefault(
            author_of(strike.tenant, strike.community, strike.author_id), {}
        )
        for unit in unit_ids(strike):
            if strike.removed:
                units.pop(unit, None)
            else:
                units.setdefault(unit, strike.occurred_at.timestamp())


def unit_ids(strike: StrikeEvent) -> list[str]:
    """A strike of weight n is n units, so a sanction ladder counts weights."""
    return [f"{strike.strike_id}#{i}" for i in range(strike.weight)]
