"""Agreement between moderators, from the case events: each call a moderator makes first, the
appeals of it, and what a second moderator made of those. Pure."""

from __future__ import annotations

from services.contracts.cases import Case
from services.contracts.events import CaseEvent, CaseEventKind

QUALITY = (
    "decided",
    "appealed",
    "upheld",
    "overturned",
    "reviewed",
    "golden_right",
    "golden_wrong",
)


def quality_of(event: CaseEvent, before: Case | None) -> list[tuple[str, str]]:
    """What a case event says about moderators' calls: (moderator, kind) pairs. An appeal
    decided by a second moderator agrees with the first call (upheld) or not (overturned)."""
    if before is None or event.actor == "system" or before.golden_id is not None:
        return []  # a golden case's copy is scored on its own topic
    if event.kind is CaseEventKind.APPEALED and before.first_decider:
        return [(before.first_decider, "appealed")]
    if event.kind is not CaseEventKind.RESOLVED:
        return []
    if not before.appealed or before.first_decider is None:
        return [(event.actor, "decided")]
    agreed = "upheld" if event.resolution == before.resolution else "overturned"
    return [(before.first_decider, agreed), (event.actor, "reviewed")]
