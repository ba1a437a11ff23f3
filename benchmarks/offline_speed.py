"""The fine-tuned offline model against plain MiniLM, in one run: the same texts, the same
service scorer (normalizer, n-grams, head), the same runtime; only the encoder's weights differ
(the adapter merged in, or not).

    python -m benchmarks.offline_speed [--texts 1000] [--rounds 3] [--runtime onnx-int8]

Rounds alternate between the two encoders, so a drift of the machine's speed hits both alike.
Reports CPU-ms per text (this process's CPU time, from /proc) and texts/s per round, prints the
CPU's ISA, and writes benchmarks/results/offline_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from benchmarks import RESULTS
from benchmarks.classifier import post_texts
from benchmarks.cpu import cpu_isa, cpu_seconds
from services.classifier.models.offline import OfflineScorer
from services.classifier.offline.features import SentenceEncoder


def timed(scorer: OfflineScorer, texts: list[str]) -> dict[str, float]:
    cpu, wall = cpu_seconds(os.getpid()), time.perf_counter()
    for start in range(0, len(texts), 32):  # the service's batch size
        scorer.score(texts[start : start + 32])
    cpu, wall = cpu_seconds(os.getpid()) - cpu, time.perf_counter() - wall
    return {"cpu_ms_per_text": 1000 * cpu / len(texts), "texts_per_s": len(texts) / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runtime", default="onnx-int8")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    scorer = OfflineScorer(threads=args.threads, runtime=args.runtime)
    fine_tuned = scorer.encoder
    plain = SentenceEncoder(threads=args.threads, runtime=args.runtime)
    encoders = {"minilm_plain": plain, f"minilm_{fine_tuned.identity}": fine_tuned}
    texts = post_texts(args.texts)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in encoders}
    for encoder in encoders.values():  # warm-up: first shapes, caches
        scorer.encoder = encoder
        scorer.score(texts[:64])
    for _ in range(args.rounds):
        for name, encoder in encoders.items():
            scorer.encoder = encoder
            runs[name].append(timed(scorer, texts))
    report = {
        "benchmark": "offline_speed", "cpu": cpu_isa(), "runtime": args.runtime,
        "threads": args.threads, "texts": len(texts), "rounds": args.rounds,
        "median": {
            name: {k: round(statistics.median(r[k] for r in rounds), 2) for k in rounds[0]}
            for name, rounds in runs.items()
        },
        "runs": {n: [{k: round(v, 2) for k, v in r.items()} for r in rs] for n, rs in runs.items()},
    }  # fmt: skip
    print(json.dumps(report["cpu"]))
    for name, median in report["median"].items():
        print(f"{name:<28} {median['cpu_ms_per_text']:>6.2f} CPU-ms/text "
              f"{median['texts_per_s']:>7.1f} texts/s")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "offline_speed.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
