"""Pile-ons: many members' negative replies and mentions aimed at one member. Pure.

A member's replies are counted in windows of `window_seconds`: the replies aimed at them, the
negative ones (toxic or negative in tone) and the distinct members who wrote those. A pile-on
starts when, inside one window, at least `min_authors` distinct members wrote negative replies
to the member, they are at least `min_share` of what the member got, and their number is at
least `baseline_factor` times the member's usual (a slow average over the windows before, so a
member who is always argued with is judged against their own normal, not everyone's). It ends
after `cooldown_windows` windows in a row below half of `min_authors`.

The same care as the wave detector: a floor on the evidence (distinct authors, not posts: one
angry member posting forty times is a matter for strikes, not a shield), a share, and a
member's own normal; `benchmarks/pileon_false_alarms.py` measures false alarms per member-day
on calm synthetic traffic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from services.contracts.events import CommunityAlert, CommunityAlertKind, derived_id


@dataclass(frozen=True)
class PileOnTuning:
    window_seconds: int = 600
    min_authors: int = 8
    min_share: float = 0.6
    baseline_factor: float = 3.0
    cooldown_windows: int = 2
    smoothing: float = 0.2  # the weight of the newest window in the member's usual


@dataclass(frozen=True)
class Target:
    """A member, in one community: where a pile-on is counted (a member argued with in one
    community is not under attack in another)."""

    tenant: str
    community: str | None
    member: str


@dataclass(frozen=True)
class AimedWindow:
    """What one window held for one member."""

    start: int
    replies: int
    negative: int
    authors: int  # distinct members with a negative reply

    @property
    def share(self) -> float:
        return self.negative / self.replies if self.replies else 0.0


@dataclass(frozen=True)
class PileOnState:
    active: bool = False
    started_at: float | None = None
    usual: float = 0.0  # distinct negative authors per window with replies, slowly averaged
    quiet: int = 0  # windows in a row below the end line, while active
    last_start: int | None = None  # the last window folded in (a replay folds it once)


def starts(state: PileOnState, window: AimedWindow, tuning: PileOnTuning) -> bool:
    """Whether the window so far starts a pile-on (asked as its replies come in)."""
    return (
        not state.active
        and window.authors >= tuning.min_authors
        and window.share >= tuning.min_share
        and window.authors >= tuning.baseline_factor * state.usual
    )


def started(state: PileOnState, at: float) -> PileOnState:
    return replace(state, active=True, started_at=at, quiet=0)


def closed(
    state: PileOnState, window: AimedWindow, tuning: PileOnTuning
) -> tuple[PileOnState, bool]:
    """The state after a window closed, and whether the pile-on ended with it. The member's
    usual learns only from windows outside a pile-on, so a long one never becomes normal."""
    if state.last_start is not None and window.start <= state.last_start:
        return state, False
    state = replace(state, last_start=window.start)
    if not state.active:
        usual = state.usual + tuning.smoothing * (window.authors - state.usual)
        return replace(state, usual=usual), False
    quiet = state.quiet + 1 if window.authors < tuning.min_authors / 2 else 0
    if quiet >= tuning.cooldown_windows:
        return replace(state, active=False, started_at=None, quiet=0), True
    return replace(state, quiet=quiet), False


def surprise(authors: int, usual: float) -> float:
    """-log10 of the chance of at least `authors` negative authors in a window if the member's
    usual held (Poisson, the usual floored at 0.5): the alert's strength, for people."""
    rate = max(usual, 0.5)
    below = sum(math.exp(-rate) * rate**k / math.factorial(k) for k in range(min(authors, 170)))
    return round(-math.log10(max(1e-300, 1.0 - below)), 2)


def pile_on_alert(
    target: Target,
    window: AimedWindow,
    state: PileOnState,
    tuning: PileOnTuning,
    ended: bool,
    samples: list[str],
    at: float,
) -> CommunityAlert:
    """The alert, with its evidence: the window's replies, how many were negative and from how
    many members, against the member's usual; in the community where it happens."""
    tenant, member = target.tenant, target.member
    kind = CommunityAlertKind.PILE_ON_ENDED if ended else CommunityAlertKind.PILE_ON_STARTED
    began = state.started_at if state.started_at is not None else at
    return CommunityAlert(
        event_id=derived_id(
            "pile-on", tenant, target.community or "", member, kind.value, str(window.start)
        ),
        occurred_at=datetime.fromtimestamp(at, UTC),
        tenant=tenant,
        community=target.community,
        kind=kind,
        window_seconds=tuning.window_seconds,
        wave_started_at=datetime.fromtimestamp(began, UTC),
        at=datetime.fromtimestamp(window.start + tuning.window_seconds, UTC),
        volume=window.replies,
        negative=window.negative,
        rate=round(window.share, 4),
        baseline=round(state.usual, 3),
        surprise=surprise(window.authors, state.usual),
        samples=samples,
        target=member,
        authors=window.authors,
    )
