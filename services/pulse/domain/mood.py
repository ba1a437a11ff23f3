"""A community's mood, window by window: which counters a post moves, which window a moment
falls in, and the closed window as an event. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from services.contracts.events import AuthorStrikes, MoodWindow, derived_id
from services.pulse.domain.signal import Signal, Tone

COUNTERS = (
    "volume", "toxic", "negative", "civil_negative", "positive", "tone_unread", "actioned",
    "strikes",
)  # fmt: skip


@dataclass(frozen=True)
class Community:
    tenant: str
    community: str | None

    @property
    def name(self) -> str:
        return self.community or ""


def window_start(at: float, seconds: int) -> int:
    return int(at // seconds * seconds)


def counts_of(signal: Signal) -> dict[str, int]:
    """The counters a scored post adds to its window."""
    counts = {"volume": 1}
    if signal.toxic:
        counts["toxic"] = 1
    if signal.negative:
        counts["negative"] = 1
    if signal.civil_negative:
        counts["civil_negative"] = 1
    if signal.tone is Tone.POSITIVE:
        counts["positive"] = 1
    if signal.tone is None:
        counts["tone_unread"] = 1
    return counts


def closed_window(
    where: Community,
    seconds: int,
    start: int,
    counts: dict[str, int],
    samples: list[str],
    top_authors: list[tuple[str, int]] = (),
) -> MoodWindow:
    return MoodWindow(
        event_id=derived_id("mood", where.tenant, where.name, str(seconds), str(start)),
        tenant=where.tenant,
        community=where.community,
        window_seconds=seconds,
        starts_at=datetime.fromtimestamp(start, UTC),
        ends_at=datetime.fromtimestamp(start + seconds, UTC),
        samples=samples,
        top_authors=[AuthorStrikes(author_id=a, strikes=n) for a, n in top_authors if n > 0],
        **{name: int(counts.get(name, 0)) for name in COUNTERS},
    )
