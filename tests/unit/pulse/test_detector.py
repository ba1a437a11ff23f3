"""The negativity-wave detector on synthetic series: a step, a ramp and a single spike fire;
calm noise, a low-volume community and input that hovers at the threshold do not (or do not
flap)."""

from __future__ import annotations

import math
import random

import pytest

from services.pulse.domain.detector import (
    AlertKind,
    DetectorState,
    Phase,
    Tuning,
    Tunings,
    Window,
    binomial_tail,
    step,
)

TUNING = Tuning()
WINDOW_SECONDS = 300


def run(rates: list[float], volume: int = 100, seed: int = 1, tuning: Tuning = TUNING):
    """Feed windows whose negative counts are drawn at the given rates; returns the alerts
    as (window index, kind) and the last state."""
    rng = random.Random(seed)
    state, alerts = DetectorState(), []
    for i, rate in enumerate(rates):
        negative = sum(rng.random() < rate for _ in range(volume))
        window = Window(volume, negative, ends_at=i * WINDOW_SECONDS, samples=(f"p{i}",))
        state, alert = step(state, window, tuning)
        if alert is not None:
            alerts.append((i, alert.kind))
    return alerts, state


def test_a_step_up_fires_within_a_window_and_ends_after_the_cooldown() -> None:
    rates = [0.1] * 30 + [0.4] * 10 + [0.1] * 10
    alerts, state = run(rates)
    assert alerts[0] == (30, AlertKind.STARTED)
    ended = [i for i, kind in alerts if kind is AlertKind.ENDED]
    assert ended == [40 + TUNING.cooldown_windows - 1]
    assert state.phase is Phase.CALM


def test_a_wave_that_grows_is_escalated_once() -> None:
    alerts, _ = run([0.05] * 30 + [0.2] * 5 + [0.7] * 10 + [0.05] * 10)
    assert [kind for _, kind in alerts] == [
        AlertKind.STARTED,
        AlertKind.ESCALATED,
        AlertKind.ENDED,
    ]
    assert alerts[1][0] == 35


def test_a_ramp_fires_before_it_peaks() -> None:
    ramp = [0.1 + 0.02 * i for i in range(20)]  # 0.10 -> 0.48 over 20 windows
    alerts, _ = run([0.1] * 30 + ramp)
    started = [i for i, kind in alerts if kind is AlertKind.STARTED]
    assert started and 30 <= started[0] < 30 + 15


def test_a_single_spike_fires_then_ends() -> None:
    alerts, state = run([0.1] * 30 + [0.5] + [0.1] * 10)
    assert [kind for _, kind in alerts] == [AlertKind.STARTED, AlertKind.ENDED]
    assert alerts[0][0] == 30 and 30 + TUNING.cooldown_windows <= alerts[1][0] <= 36
    assert state.phase is Phase.CALM


def test_calm_noise_never_alerts() -> None:
    days = 30 * 24 * 12  # a month of 5-minute windows
    for seed in range(3):
        alerts, _ = run([0.1] * days, seed=seed)
        assert alerts == [], f"seed {seed}: {alerts[:3]}"


def test_a_low_volume_community_does_not_fire() -> None:
    alerts, _ = run([0.1] * 30 + [0.9] * 10, volume=10)
    assert alerts == []


def test_input_hovering_at_the_threshold_does_not_flap() -> None:
    # alternating hot and lukewarm windows: one wave, not a start and end every other window
    rates = [0.1] * 30 + [0.35, 0.15] * 20 + [0.1] * 10
    alerts, _ = run(rates)
    starts = [i for i, kind in alerts if kind is AlertKind.STARTED]
    ends = [i for i, kind in alerts if kind is AlertKind.ENDED]
    assert len(starts) == 1 and len(ends) == 1 and ends[0] >= 70


def test_nothing_fires_before_the_warm_up() -> None:
    alerts, _ = run([0.5] * 3 + [0.1] * 3 + [0.5] * 3)
    assert not [i for i, kind in alerts if i < TUNING.warmup_windows]


def test_the_normal_is_not_learnt_during_a_wave() -> None:
    _, state = run([0.1] * 30 + [0.5] * 30)
    assert state.phase is Phase.WAVE
    assert abs(state.baseline.rate - 0.1) < 0.03


def test_each_alert_carries_its_evidence() -> None:
    state = DetectorState()
    for i in range(10):
        state, _ = step(state, Window(100, 10, ends_at=i), TUNING)
    state, alert = step(state, Window(100, 45, ends_at=10.0, samples=("a", "b")), TUNING)
    assert alert is not None and alert.kind is AlertKind.STARTED
    evidence = alert.evidence
    assert (evidence.volume, evidence.negative, evidence.rate) == (100, 45, 0.45)
    assert evidence.baseline == 0.1 and evidence.surprise > TUNING.start
    assert evidence.samples == ("a", "b") and alert.started_at == 10.0


def test_tuning_is_per_community() -> None:
    rates = [0.1] * 30 + [0.2] * 5
    assert run(rates)[0] == []  # +0.1 is within the default's tolerance at volume 100...
    sensitive = Tuning(start=3.0, min_lift=0.03)
    assert run(rates, tuning=sensitive)[0][0][1] is AlertKind.STARTED  # ...not a stricter one's


def test_the_binomial_tail_is_exact() -> None:
    for n, p in ((10, 0.1), (50, 0.3), (200, 0.02)):
        for k in range(n + 1):
            exact = sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
            if exact > 1e-250:  # below that, floating point itself runs out of digits
                assert math.isclose(binomial_tail(n, k, p), min(exact, 1.0), rel_tol=1e-9), (n, k)


def test_a_community_is_tuned_by_its_own_then_its_platforms_settings() -> None:
    tunings = Tunings(TUNING, {"acme": {"min_lift": 0.1}, "acme/games": {"start": 4.0}})
    games, forum, other = (
        tunings.of("acme", "games"),
        tunings.of("acme", "forum"),
        tunings.of("b", None),
    )
    assert (games.start, games.min_lift) == (4.0, 0.1)
    assert (forum.start, forum.min_lift) == (TUNING.start, 0.1)
    assert other == TUNING


def test_an_unknown_tuning_parameter_is_refused() -> None:
    with pytest.raises(ValueError, match="z_start"):
        Tunings(TUNING, {"acme": {"z_start": 4.0}})
