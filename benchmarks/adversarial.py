"""Adversarial posts: CPU-milliseconds per post of every process for 20,000-character posts
against 2,000-character ones of the same kind (goal: at most 10x, i.e. linear in length).

The kinds are the ones that have stalled a consumer, or could: emoji (each becomes words for
sentiment), repeated negations (VADER's rules were quadratic in them), one 20,000-character
word, 20,000 one-letter words, mixed scripts, and plain prose as the baseline. Each cell sends
`--posts` posts of one kind and length as a batch, waits for every decision and for pulse to
have read them, and counts each process's CPU time from /proc over that window, its idle burn
(measured first) taken out. Writes benchmarks/results/adversarial.json.

    make bench-adversarial   (or .venv/bin/python -m benchmarks.adversarial --posts 100)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from pathlib import Path

import httpx

from benchmarks.cpu import cpu_isa, cpu_of, idle_ms_per_s, ms_per_post
from benchmarks.pipeline import decisions_listener, new_platform
from benchmarks.stack import running_stack

RESULTS = Path(__file__).resolve().parent / "results"
SERVICES = ("ingest", "classifier", "escalation", "gateway", "pulse")
LENGTHS = (2_000, 20_000)
RESOLUTION_MS = 0.3
PROSE = (
    "The update broke the search page again and nobody answered my ticket for a week. "
    "I like the new layout, but the battery drain on my phone is awful since Tuesday. "
)
KINDS = {
    "prose": PROSE,
    "emoji": "😀🤬💩👍😡🙏",
    "negations": "not bad ",
    "one_word": "x",
    "one_letter_words": "a ",
    "mixed_scripts": "Привет мир 你好世界 مرحبا بالعالم hello world 😀 नमस्ते ",
}


def text_of(kind: str, length: int, i: int) -> str:
    """`length` characters of the kind, each post a little different (no two alike)."""
    unit = KINDS[kind]
    head = f"{i} " if kind != "one_word" else ""
    return (head + unit * (length // len(unit) + 1))[:length]


async def send_cell(ingest: str, headers: dict, tenant: str, kind: str, length: int, n: int):
    tag = uuid.uuid4().hex[:6]
    posts = [
        {
            "external_id": f"{kind}-{length}-{tag}-{i}",
            "author_id": f"author-{i}",
            "community": "bench",
            "text": text_of(kind, length, i),
        }
        for i in range(n)
    ]
    async with httpx.AsyncClient(timeout=60) as client:
        answer = await client.post(
            f"{ingest}/v1/posts:batch", json={"posts": posts}, headers=headers
        )
        answer.raise_for_status()
        found = answer.json()
        if found["accepted"] != n:
            raise RuntimeError(f"{kind}/{length}: accepted {found['accepted']} of {n}: {found}")
        return [r["post_id"] for r in found["results"]]


async def pulse_counted(pulse: str) -> float:
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{pulse}/metrics")).text
    return sum(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith("pulse_posts_counted_total")
    )


async def measure_cell(stack, headers, tenant, kind, length, n, idle) -> dict:
    bootstrap, pids = stack.kafka.bootstrap, stack.pids
    seen: dict[str, float] = {}
    ready = asyncio.Event()
    listener = asyncio.create_task(decisions_listener(bootstrap, tenant, seen, ready))
    await ready.wait()
    counted = await pulse_counted(stack.url("pulse"))
    before, started = cpu_of(pids), time.monotonic()
    ids = await send_cell(stack.url("ingest"), headers, tenant, kind, length, n)
    deadline = time.monotonic() + 300
    while not set(ids) <= set(seen) or await pulse_counted(stack.url("pulse")) < counted + n:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{kind}/{length}: {len(set(ids) & set(seen))} of {n} decided")
        await asyncio.sleep(0.2)
    seconds = time.monotonic() - started
    after = cpu_of(pids)
    listener.cancel()
    return {"seconds": round(seconds, 2), **ms_per_post(before, after, seconds, idle, n)}


async def run(stack, posts: int) -> dict:
    tenant, headers = new_platform(stack.env, stack.url("ingest"), "adv")
    await send_cell(stack.url("ingest"), headers, tenant, "prose", 2_000, 10)  # warm up
    await asyncio.sleep(5)
    idle = idle_ms_per_s(stack.pids, 10)
    print(f"idle CPU-ms/s: {idle}", flush=True)
    cells: dict[str, dict[int, dict]] = {}
    for kind in KINDS:
        for length in LENGTHS:
            cell = await measure_cell(stack, headers, tenant, kind, length, posts, idle)
            cells.setdefault(kind, {})[length] = cell
            print(f"{kind:>16} {length:>6}: {cell}", flush=True)
    return {"idle_ms_per_s": idle, "cells": cells}


def ratios(cells: dict) -> dict[str, dict[str, float | None]]:
    short, long = LENGTHS
    found: dict[str, dict[str, float | None]] = {}
    for kind, by_length in cells.items():
        found[kind] = {}
        for process in by_length[short]:
            if process == "seconds":
                continue
            a, b = by_length[short][process], by_length[long][process]
            # /proc counts in ticks of 10 ms: below RESOLUTION_MS a post the ratio is noise
            found[kind][process] = round(b / a, 1) if a >= RESOLUTION_MS else None
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100, help="posts per kind and length")
    parser.add_argument("--out", type=Path, default=RESULTS / "adversarial.json")
    args = parser.parse_args()
    print(f"cpu: {cpu_isa()}", flush=True)
    extra = {"CLASSIFIER_MODEL": "offline", "KAFKA_LAG_SECONDS": "0"}
    with running_stack((*SERVICES,), extra_env=extra) as stack:
        measured = asyncio.run(run(stack, args.posts))
    table = ratios(measured["cells"])
    print(f"\nCPU-ms per post, {LENGTHS[1]:,} chars over {LENGTHS[0]:,} (goal <= 10x; None: "
          f"under {RESOLUTION_MS} ms at 2,000, below what /proc resolves)")  # fmt: skip
    processes = [p for p in next(iter(table.values()))]
    print(f"{'kind':>16} " + " ".join(f"{p:>10}" for p in processes))
    for kind, row in table.items():
        print(f"{kind:>16} " + " ".join(f"{row[p]!s:>10}" for p in processes))
    worst = {
        p: max((row[p] for row in table.values() if row[p] is not None), default=None)
        for p in SERVICES
    }
    print(f"worst per service: {worst}")
    result = {
        "benchmark": "adversarial",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": cpu_isa(),
        "posts_per_cell": args.posts,
        **measured,
        "ratio_long_over_short": table,
        "worst_ratio_per_service": worst,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
