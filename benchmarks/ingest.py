"""Ingest alone: how many posts one ingest process accepts on one core.

Only Kafka, Redis and ingest run; ingest is pinned to one core, Kafka, Redis and the load
generator to the other, so the figure is ingest's own and not the pipeline's. Single posts are
driven by `wrk` (C; a Python client saturates a core before ingest does), batches of 500 by
httpx (four requests in flight: the client's cost is per request, not per post). Besides the
rate it reports ingest's CPU-milliseconds per accepted post, from /proc.

    make bench-ingest           # or: python -m benchmarks.ingest --seconds 15 [--env NAME=VALUE]

Results are printed and written to benchmarks/results/ingest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks import RESULTS
from benchmarks.cpu import cpu_isa, cpu_of
from benchmarks.pipeline import batch_saturation, new_platform, settings_of, wrk_saturation
from benchmarks.profile import PROFILES, folded_counts, report, spy_on
from benchmarks.stack import running_stack


def pin(pid: int, core: int) -> None:
    """Every thread of the process (a JVM's too) onto one core."""
    subprocess.run(["taskset", "-a", "-p", "-c", str(core), str(pid)], check=True,
                   capture_output=True)  # fmt: skip


def single_posts(url: str, headers: dict, seconds: float, concurrency: int, pid: int) -> dict:
    before = cpu_of({"ingest": pid})["ingest"]
    result = wrk_saturation(url, seconds, concurrency, headers)
    used = cpu_of({"ingest": pid})["ingest"] - before
    if result is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    accepted = result["accepted_per_s"] * seconds - result["non_2xx"]
    return result | {"ingest_cpu_ms_per_post": round(used * 1000 / max(1, accepted), 3)}


@contextmanager
def profiled(spied: bool, name: str, pid: int, seconds: float) -> Iterator[Callable[[float], None]]:
    """py-spy over the block when asked; the block hands over its CPU-ms per post for the
    report's heading."""
    if not spied:
        yield lambda _: None
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    PROFILES.mkdir(parents=True, exist_ok=True)
    folded = PROFILES / f"{name}.folded"
    cost: list[float] = []
    running = spy_on(spy, pid, folded, seconds)
    yield cost.append
    running.wait(timeout=seconds + 60)
    (PROFILES / f"{name}.txt").write_text(report(name, folded_counts(folded), cost[0], 40))
    print(f"wrote {PROFILES / name}.txt", flush=True)


def headline(result: dict) -> dict:
    """Per round: single posts and batches, accepted per second and ingest's CPU-ms per post."""
    pairs = zip(result["single_posts"], result["batches_of_500"], strict=True)
    return {
        f"round {n}": {
            "single_per_s": single["accepted_per_s"],
            "single_cpu_ms": single["ingest_cpu_ms_per_post"],
            "batch_per_s": batch["accepted_per_s"],
            "batch_cpu_ms": batch["ingest_cpu_ms_per_post"],
        }
        for n, (single, batch) in enumerate(pairs, 1)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="single and batch, this many times")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy over the first round of each: profiles/ingest-*.txt")  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS / "ingest.json")
    args = parser.parse_args()
    if not shutil.which("taskset"):
        raise SystemExit("taskset (util-linux) is needed to pin ingest to its core")
    every, env_of = settings_of(args.env)
    cores = sorted(os.sched_getaffinity(0))
    ingest_core, other_core = cores[-1], cores[0]
    with running_stack(("ingest",), extra_env=every, env_of=env_of) as stack:
        pids = stack.pids
        pin(pids["ingest"], ingest_core)
        for name in ("kafka", "redis"):
            pin(pids[name], other_core)
        os.sched_setaffinity(0, {other_core})  # this process and wrk, its child
        url = stack.url("ingest")
        print(
            f"cpu: {cpu_isa()}; ingest on core {ingest_core}, the rest on {other_core}", flush=True
        )
        single, batch = [], []
        for round_ in range(args.rounds):
            spied = args.profile and round_ == 0
            caller = new_platform(stack.env, url, "one")
            with profiled(spied, "ingest-single", pids["ingest"], args.seconds) as done:
                single.append(
                    single_posts(url, caller[1], args.seconds, args.concurrency, pids["ingest"])
                )
                done(single[-1]["ingest_cpu_ms_per_post"])
            print(f"single posts: {single[-1]}", flush=True)
            headers = new_platform(stack.env, url, "many")[1]
            with profiled(spied, "ingest-batch", pids["ingest"], args.seconds) as done:
                batch.append(asyncio.run(batch_saturation(url, args.seconds, 4, headers, pids)))
                done(batch[-1]["ingest_cpu_ms_per_post"])
            print(f"batches of 500: {batch[-1]}", flush=True)
    result = {
        "benchmark": "ingest",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), **cpu_isa()},
        "settings": {"every service": every, **env_of},
        "single_posts": single,
        "batches_of_500": batch,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
