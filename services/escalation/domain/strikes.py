"""Strikes -> sanctions. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from services.contracts.events import AuthorSanctioned, StrikeEvent, derived_id
from services.policy.language import Policy, SanctionStep, Strikes


class Subject(Protocol):
    """Whose post it is: a Post or a Case."""

    tenant: str
    community: str | None
    author_id: str
    post_id: str


def automated_decision_id(post_id: str) -> str:
    """The id of a post's automated decision, which is also the id of the strike it gives."""
    return derived_id("decision", post_id, "0")


def sanction_for(before: int, after: int, strikes: Strikes) -> SanctionStep | None:
    """The most severe ladder step crossed when the count went from `before` to `after`."""
    crossed = [step for step in strikes.ladder if before < step.at <= after]
    return crossed[-1] if crossed else None


def strike_for(
    subject: Subject,
    strike_id: str,
    weight: int,
    reason: str,
    *,
    window_days: int | None = None,
    removed: bool = False,
    event_id: str | None = None,
) -> StrikeEvent:
    """A strike of `weight` on the author of `subject` (or its removal); the event id derives
    from the strike's unless given."""
    return StrikeEvent(
        event_id=event_id or derived_id("strike", strike_id),
        strike_id=strike_id,
        tenant=subject.tenant,
        community=subject.community,
        author_id=subject.author_id,
        weight=weight,
        post_id=subject.post_id,
        reason=reason,
        window_days=window_days,
        removed=removed,
    )


def ladder_sanction(
    subject: Subject,
    before: int,
    weight: int,
    policy: Policy,
    event_id: str,
    decided_by: str | None = None,  # a moderator's id; none: the policy (the event's default)
) -> AuthorSanctioned | None:
    """The sanction a strike of `weight` reaches on the policy's ladder, if it reaches one."""
    step = sanction_for(before, before + weight, policy.strikes)
    if step is None:
        return None
    return AuthorSanctioned(
        event_id=event_id,
        tenant=subject.tenant,
        community=subject.community,
        author_id=subject.author_id,
        sanction=step.sanction,
        duration_hours=step.duration_hours,
        strikes=before + weight,
        policy=policy.ref,
        post_id=subject.post_id,
        **({"decided_by": decided_by} if decided_by else {}),
    )


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
