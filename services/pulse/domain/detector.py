"""Catching a wave of negativity early, in one community, against its own normal.

Each closed window (5 minutes by default) gives how many posts came (`volume`) and how many of
them were negative (toxic, or negative in sentiment). The community's normal is an
exponentially weighted mean of its negative rate. A window's surprise is how unlikely at least
its negative count is for its volume if the normal still held, as a number of nines:
`-log10 P(X >= negative)`, X binomial(volume, normal), computed exactly. (A z-score's normal
approximation understates that right-skewed tail: at z >= 4 calm synthetic traffic raised
about 8 false alarms a month per community.) Ten negative posts out of twenty weigh more than
one out of two.

- It needs `warmup_windows` of history and `min_volume` posts in the window before it fires:
  a quiet community's two grumpy posts are not a wave.
- Hysteresis: a wave starts at a surprise of `start` (with a rate at least `min_lift` above
  normal), is escalated when it grows past `escalate` (one that starts there is not escalated
  again), and ends only after `cooldown_windows` windows in a row below `end`. A series that
  hovers around the threshold does not flap.
- The normal is not learnt during a wave, so a long wave never becomes the new normal.

Pure: `step` takes the state and a window and returns the next state and the alert, if any.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum


class Phase(StrEnum):
    CALM = "calm"
    WAVE = "wave"


class AlertKind(StrEnum):
    STARTED = "wave_started"
    ESCALATED = "wave_escalated"
    ENDED = "wave_ended"


@dataclass(frozen=True)
class Tuning:
    """Per community; the defaults suit a community of a few hundred posts an hour."""

    start: float = 6.0  # surprise: one chance in a million
    escalate: float = 15.0
    end: float = 1.3  # a window at least this likely (1 in 20) is a quiet one
    min_volume: int = 20
    min_lift: float = 0.05  # the negative rate must also be this far above normal
    cooldown_windows: int = 3
    warmup_windows: int = 6
    alpha: float = 0.05  # weight of the newest window in the normal
    floor: float = 0.01  # the normal is never taken as lower than this


class Tunings:
    """Each community's tuning: its own (`tenant/community`), else its platform's (`tenant`),
    over the defaults; an unknown parameter is an error when the service starts."""

    def __init__(self, default: Tuning, overrides: dict[str, dict[str, float]]) -> None:
        known = set(Tuning.__dataclass_fields__)
        for name, fields in overrides.items():
            if unknown := set(fields) - known:
                raise ValueError(f"tuning for {name!r}: unknown {sorted(unknown)}")
        self.default, self.overrides = default, overrides

    def of(self, tenant: str, community: str | None) -> Tuning:
        found = self.default
        for name in (tenant, f"{tenant}/{community}" if community else None):
            if name and name in self.overrides:
                found = replace(found, **self.overrides[name])
        return found


@dataclass(frozen=True)
class Window:
    volume: int
    negative: int
    ends_at: float  # unix seconds
    samples: tuple[str, ...] = ()  # a few negative post ids: the evidence


@dataclass(frozen=True)
class Baseline:
    rate: float = 0.0
    windows: int = 0  # how many windows it has learnt from


@dataclass(frozen=True)
class DetectorState:
    baseline: Baseline = Baseline()
    phase: Phase = Phase.CALM
    escalated: bool = False
    quiet_windows: int = 0  # windows in a row below `end`, during a wave
    started_at: float | None = None


@dataclass(frozen=True)
class Evidence:
    volume: int
    negative: int
    rate: float
    baseline: float
    surprise: float
    samples: tuple[str, ...]


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    at: float
    evidence: Evidence
    started_at: float


def binomial_tail(n: int, k: int, p: float) -> float:
    """P(X >= k) for X binomial(n, p), summed in log space from k up (the terms shrink fast)."""
    log_p, log_q = math.log(p), math.log1p(-p)
    log_n = math.lgamma(n + 1)
    total = 0.0
    for i in range(k, n + 1):
        log_term = log_n - math.lgamma(i + 1) - math.lgamma(n - i + 1)
        term = math.exp(log_term + i * log_p + (n - i) * log_q)
        total += term
        if term < total * 1e-12:
            break
    return min(total, 1.0)


def surprise(window: Window, baseline: float, tuning: Tuning) -> float:
    """-log10 of the chance of at least this many negative posts, if the normal held; 0 when
    there are no more than the normal predicts."""
    n, k = window.volume, window.negative
    p = min(max(baseline, tuning.floor), 1 - tuning.floor)
    if n == 0 or k <= n * p:
        return 0.0
    return -math.log10(max(binomial_tail(n, k, p), 1e-300))


def learnt(baseline: Baseline, window: Window, tuning: Tuning) -> Baseline:
    if window.volume == 0:
        return baseline
    rate = window.negative / window.volume
    # the plain mean while warming up, then exponentially weighted
    weight = max(tuning.alpha, 1 / (baseline.windows + 1))
    return Baseline(baseline.rate + weight * (rate - baseline.rate), baseline.windows + 1)


def step(
    state: DetectorState, window: Window, tuning: Tuning
) -> tuple[DetectorState, Alert | None]:
    score = surprise(window, state.baseline.rate, tuning)
    rate = window.negative / window.volume if window.volume else 0.0
    evidence = Evidence(
        window.volume, window.negative, round(rate, 4), round(state.baseline.rate, 4),
        round(score, 2), window.samples,
    )  # fmt: skip
    if state.phase is Phase.CALM:
        if starts(window, rate, score, state.baseline, tuning):
            # a wave that starts above `escalate` is not escalated again
            wave = replace(state, phase=Phase.WAVE, escalated=score >= tuning.escalate,
                           quiet_windows=0, started_at=window.ends_at)  # fmt: skip
            return wave, Alert(AlertKind.STARTED, window.ends_at, evidence, window.ends_at)
        return replace(state, baseline=learnt(state.baseline, window, tuning)), None
    started = state.started_at if state.started_at is not None else window.ends_at
    if score >= tuning.escalate and not state.escalated and window.volume >= tuning.min_volume:
        alert = Alert(AlertKind.ESCALATED, window.ends_at, evidence, started)
        return replace(state, escalated=True, quiet_windows=0), alert
    quiet = state.quiet_windows + 1 if score < tuning.end else 0
    if quiet >= tuning.cooldown_windows:
        calm = replace(state, phase=Phase.CALM, escalated=False, quiet_windows=0, started_at=None)
        return calm, Alert(AlertKind.ENDED, window.ends_at, evidence, started)
    return replace(state, quiet_windows=quiet), None


def starts(window: Window, rate: float, score: float, baseline: Baseline, tuning: Tuning) -> bool:
    return (
        baseline.windows >= tuning.warmup_windows
        and window.volume >= tuning.min_volume
        and score >= tuning.start
        and rate >= max(baseline.rate, tuning.floor) + tuning.min_lift
    )
