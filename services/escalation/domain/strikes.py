"""Strikes -> sanctions. Pure."""

from __future__ import annotations

from services.policy.language import SanctionStep, Strikes


def sanction_for(before: int, after: int, strikes: Strikes) -> SanctionStep | None:
    """The most severe ladder step crossed when the count went from `before` to `after`."""
    crossed = [step for step in strikes.ladder if before < step.at <= after]
    return crossed[-1] if crossed else None
