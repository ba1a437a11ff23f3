"""Where each service's CPU goes under load: py-spy samples every Python service of a fresh stack
while posts arrive at a fixed rate, and the samples are summed per function.

    python -m benchmarks.profile [--rate 60] [--seconds 40]

py-spy (PyPI) reads the processes from outside (`--nonblocking`: it never pauses them) and
counts only threads that are running, so a function's share of samples is its share of the
service's CPU. For each service it writes benchmarks/results/profiles/<service>.txt: the
functions with the most samples, inclusive (the function and what it calls) and self (its own
code), and the collapsed stacks beside it (<service>.folded, for flame-graph tools; not committed).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from benchmarks import RESULTS
from benchmarks.cpu import cpu_isa, cpu_of
from benchmarks.load import Client, at_rate
from benchmarks.pipeline import body, new_platform
from benchmarks.stack import PIPELINE, running_stack

PROFILES = RESULTS / "profiles"
SAMPLES_PER_S = 97  # prime: does not beat against the services' own periodic work


def folded_counts(path: Path) -> Counter[str]:
    stacks: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def frame_name(frame: str) -> str:
    """`handler (services/x/handlers.py:12)` -> `handler (services/x/handlers.py)`: one row per
    function, not per line."""
    name, _, where = frame.partition(" (")
    file = where.rsplit(":", 1)[0].rstrip(")")
    for marker in ("site-packages/", "lib/python3.11/", "/work/main/", "/services/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{name} ({file})"


def summary(stacks: Counter[str], top: int) -> tuple[int, list, list]:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack, count in stacks.items():
        frames = [frame_name(f) for f in stack.split(";")[1:]]  # first frame: the thread
        for name in set(frames):
            inclusive[name] += count
        if frames:
            own[frames[-1]] += count
    total = sum(stacks.values())
    return total, inclusive.most_common(top), own.most_common(top)


def report(service: str, stacks: Counter[str], cpu_ms_per_post: float, top: int) -> str:
    total, inclusive, own = summary(stacks, top)
    lines = [
        f"# {service}: {total} samples at {SAMPLES_PER_S}/s; {cpu_ms_per_post} CPU-ms per post",
        f"# cpu: {cpu_isa()}",
        "",
        "## inclusive (the function and everything it calls)",
    ]
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in inclusive]
    lines += ["", "## self (the function's own code)"]
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in own]
    return "\n".join(lines) + "\n"


def spy_on(spy: str, pid: int, out: Path, seconds: float) -> subprocess.Popen:
    command = [spy, "record", "--pid", str(pid), "--rate", str(SAMPLES_PER_S), "--nonblocking",
               "--duration", str(int(seconds)), "--format", "raw", "--output", str(out)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=60.0, help="posts per second")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    PROFILES.mkdir(parents=True, exist_ok=True)
    with running_stack() as stack:
        tenant, headers = new_platform(stack.env, stack.url("ingest"), "prof")
        pids = {name: stack.pids[name] for name in PIPELINE}
        spies = {name: spy_on(spy, pid, PROFILES / f"{name}.folded", args.seconds)
                 for name, pid in pids.items()}  # fmt: skip
        before = cpu_of(pids)
        client = Client(stack.url("ingest"), headers, size=100)
        posts = int(args.rate * args.seconds)
        asyncio.run(
            at_rate(client, "/v1/posts", lambda i: body(tenant, i), args.rate, args.seconds,
                    lambda due, answer: None)
        )  # fmt: skip
        for spied in spies.values():
            spied.wait(timeout=args.seconds + 60)
        after = cpu_of(pids)
    for name in pids:
        ms = round((after[name] - before[name]) * 1000 / posts, 2)
        text = report(name, folded_counts(PROFILES / f"{name}.folded"), ms, args.top)
        (PROFILES / f"{name}.txt").write_text(text)
        print(text)
    print(f"wrote {PROFILES}")


if __name__ == "__main__":
    main()
