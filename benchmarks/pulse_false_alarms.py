"""How often the negativity-wave detector fires on calm traffic: alerts per day per community,
on synthetic windows whose negative count is drawn at a constant rate (no wave at all).

    python -m benchmarks.pulse_false_alarms [--days 365] [--seeds 5]

Prints a line per (posts per window, negative rate) and writes
benchmarks/results/pulse_false_alarms.json."""

from __future__ import annotations

import argparse
import json
import random
import time

from benchmarks import RESULTS
from services.pulse.domain.detector import AlertKind, DetectorState, Tuning, Window, step

WINDOW_SECONDS = 300


def starts_on_calm(days: int, volume: int, rate: float, seed: int, tuning: Tuning) -> int:
    rng = random.Random(seed)
    state, started = DetectorState(), 0
    for i in range(days * 86400 // WINDOW_SECONDS):
        # volume itself varies from window to window, as real traffic does
        n = max(0, round(rng.gauss(volume, volume**0.5)))
        negative = sum(rng.random() < rate for _ in range(n))
        state, alert = step(state, Window(n, negative, ends_at=i * WINDOW_SECONDS), tuning)
        started += alert is not None and alert.kind is AlertKind.STARTED
    return started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    tuning, rows = Tuning(), []
    for volume in (20, 100, 500):
        for rate in (0.05, 0.15, 0.3):
            alerts = sum(
                starts_on_calm(args.days, volume, rate, seed, tuning) for seed in range(args.seeds)
            )
            days = args.days * args.seeds
            row = {"posts_per_window": volume, "negative_rate": rate, "days": days,
                   "alerts": alerts, "alerts_per_day": round(alerts / days, 5)}  # fmt: skip
            rows.append(row)
            print(row, flush=True)
    result = {
        "benchmark": "pulse_false_alarms",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "window_seconds": WINDOW_SECONDS,
        "tuning": vars(tuning),
        "calm_traffic": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pulse_false_alarms.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS / 'pulse_false_alarms.json'}")


if __name__ == "__main__":
    main()
