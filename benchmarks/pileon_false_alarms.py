"""How often the pile-on detector fires on calm traffic: false alarms per member-day, on
synthetic replies to one member drawn at a constant rate (no pile-on at all), from a pool of
repliers where a few reply often (as real communities have regulars), each reply negative at
a constant rate. Also a calm burst: one popular post of the member's drawing a window of many
replies at the same negative rate once a day.

    python -m benchmarks.pileon_false_alarms [--days 365] [--seeds 5]

The traffic is ours, synthetic, and says nothing about a real community's: it checks the rule
against what calm means here. Prints a line per (replies per window, negative rate) and writes
benchmarks/results/pileon_false_alarms.json."""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import asdict

from benchmarks import RESULTS
from services.pulse.domain.pileon import AimedWindow, PileOnState, PileOnTuning, closed, started
from services.pulse.domain.pileon import starts as starts_now

REPLIERS = 300  # the member's community: who may reply


def replier(rng: random.Random) -> int:
    """Regulars reply far more often than the rest (a Zipf-like pool)."""
    return min(REPLIERS - 1, int(rng.paretovariate(1.2)) - 1)


def window_of(rng: random.Random, start: int, replies: int, rate: float) -> list[AimedWindow]:
    """The window as it fills, reply by reply (the detector is asked after each batch)."""
    authors, negative, found = set(), 0, []
    for seen in range(1, replies + 1):
        if rng.random() < rate:
            negative += 1
            authors.add(replier(rng))
        found.append(AimedWindow(start, seen, negative, len(authors)))
    return found or [AimedWindow(start, 0, 0, 0)]


def alarms_on_calm(days: int, per_window: float, rate: float, burst: int, seed: int,
                   tuning: PileOnTuning) -> int:  # fmt: skip
    rng = random.Random(seed)
    state, alarms = PileOnState(), 0
    windows_a_day = 86400 // tuning.window_seconds
    for i in range(days * windows_a_day):
        replies = poisson(rng, per_window)
        if burst and i % windows_a_day == windows_a_day // 2:
            replies += burst
        filling = window_of(rng, i * tuning.window_seconds, replies, rate)
        for so_far in filling:
            if starts_now(state, so_far, tuning):
                state, alarms = started(state, float(i)), alarms + 1
        state, _ = closed(state, filling[-1], tuning)
    return alarms


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method for small means, a normal approximation above."""
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--min-share", type=float, default=PileOnTuning.min_share)
    parser.add_argument("--out", default="pileon_false_alarms.json")
    args = parser.parse_args()
    tuning, rows = PileOnTuning(min_share=args.min_share), []
    for per_window, burst in ((0.5, 0), (5, 0), (20, 0), (50, 0), (5, 60)):
        for rate in (0.1, 0.2, 0.35):
            alarms = sum(alarms_on_calm(args.days, per_window, rate, burst, seed, tuning)
                         for seed in range(args.seeds))  # fmt: skip
            days = args.days * args.seeds
            row = {"replies_per_window": per_window, "daily_burst": burst, "negative_rate": rate,
                   "member_days": days, "alarms": alarms,
                   "alarms_per_member_day": round(alarms / days, 5)}  # fmt: skip
            rows.append(row)
            print(row, flush=True)
    result = {
        "benchmark": "pileon_false_alarms",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "tuning": asdict(tuning),
        "repliers": REPLIERS,
        "calm_traffic": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS / args.out}")


if __name__ == "__main__":
    main()
