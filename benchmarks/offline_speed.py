"""The fine-tuned offline model against plain MiniLM, in one run: the same texts, the same
service scorer (normalizer, n-grams, head), the same runtime; only the encoder's weights differ
(the adapter merged in, or not), how many windows of 128 tokens a long text is read in
(today's model reads the first; the fine-tuned one as many as its head was trained with), and
the pooling (today's: the mean of the tokens' states; the fine-tuned one's: as its head's).

Two sets of texts: posts of 5 to 60 words (most posts), and test.jsonl rows of any length, as
sampled (about 3 % run past 128 tokens), where reading more windows costs more.

    python -m benchmarks.offline_speed [--texts 1000] [--rounds 3] [--runtime onnx-int8]

Rounds alternate between the two encoders, so a drift of the machine's speed hits both alike.
Reports CPU-ms per text (this process's CPU time, from /proc) and texts/s per round, and what
each pooling costs alone over one batch of real states (posts; the longest texts); prints the
CPU's ISA, and writes benchmarks/results/offline_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from dataclasses import replace

import numpy as np

from benchmarks import RESULTS
from benchmarks.classifier import DATA, post_texts
from benchmarks.cpu import cpu_isa, cpu_seconds
from services.classifier.models.offline import OfflineScorer
from services.classifier.offline.features import SentenceEncoder
from services.classifier.offline.head import Head


def over_mean_only(head: Head, mean_dim: int, embedding_dim: int) -> Head:
    """The head with only the mean embedding's rows and the n-grams': today's model's shape,
    so the plain encoder is timed as it ran, without the max pooling (its scores are not used)."""
    return replace(head, weights=np.vstack([head.weights[:mean_dim], head.weights[embedding_dim:]]))


def pooling_cost(encoder: SentenceEncoder, texts: list[str], repeats: int = 200) -> dict:
    """CPU-ms per text of each pooling alone, over one batch of the encoder's real states: what
    pooling adds to the transformer's cost, too small to see in the rounds' noise."""
    batch = texts[: encoder.batch_size]
    hidden, mask, owner = encoder.states(batch)
    found = {}
    for kind in encoder.pooling:
        cpu = cpu_seconds(os.getpid())
        for _ in range(repeats):
            encoder.pool(kind, hidden, mask, owner, len(batch))
        found[kind] = 1000 * (cpu_seconds(os.getpid()) - cpu) / (repeats * len(batch))
    return {"windows": len(owner), "tokens": int(mask.sum()), "cpu_ms_per_text": found}


def timed(scorer: OfflineScorer, texts: list[str]) -> dict[str, float]:
    cpu, wall = cpu_seconds(os.getpid()), time.perf_counter()
    for start in range(0, len(texts), 32):  # the service's batch size
        scorer.score(texts[start : start + 32])
    cpu, wall = cpu_seconds(os.getpid()) - cpu, time.perf_counter() - wall
    return {"cpu_ms_per_text": 1000 * cpu / len(texts), "texts_per_s": len(texts) / wall}


def any_length_texts(count: int, seed: int = 7) -> list[str]:
    if not DATA.exists():
        raise SystemExit(f"the any-length set samples {DATA}, which is missing")
    rows = [json.loads(line)["text"] for line in DATA.open()]
    return random.Random(seed).sample(rows, count)


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
    models = {
        "minilm_plain": (plain, over_mean_only(scorer.head, plain.dim, fine_tuned.dim)),
        f"minilm_{fine_tuned.identity}": (fine_tuned, scorer.head),
    }
    sets = {"posts_5_to_60_words": post_texts(args.texts),
            "any_length": any_length_texts(args.texts)}  # fmt: skip
    runs = {kind: {name: [] for name in models} for kind in sets}
    for encoder, head in models.values():  # warm-up: first shapes, caches
        scorer.encoder, scorer.head = encoder, head
        scorer.score(sets["any_length"][:64])
    for _ in range(args.rounds):
        for kind, texts in sets.items():
            for name, (encoder, head) in models.items():
                scorer.encoder, scorer.head = encoder, head
                runs[kind][name].append(timed(scorer, texts))
    longest = sorted(sets["any_length"], key=len, reverse=True)
    pooling = {"posts_5_to_60_words": pooling_cost(fine_tuned, sets["posts_5_to_60_words"]),
               "longest_of_any_length": pooling_cost(fine_tuned, longest)}  # fmt: skip
    median = {
        kind: {
            name: {k: round(statistics.median(r[k] for r in rounds), 2) for k in rounds[0]}
            for name, rounds in by_encoder.items()
        }
        for kind, by_encoder in runs.items()
    }
    report = {
        "benchmark": "offline_speed", "cpu": cpu_isa(), "runtime": args.runtime,
        "threads": args.threads, "texts": args.texts, "rounds": args.rounds,
        "windows": {name: encoder.windows for name, (encoder, _) in models.items()},
        "pooling": {name: list(encoder.pooling) for name, (encoder, _) in models.items()},
        "median": median, "pooling_alone": pooling,
        "runs": {kind: {n: [{k: round(v, 2) for k, v in r.items()} for r in rs]
                        for n, rs in by_encoder.items()} for kind, by_encoder in runs.items()},
    }  # fmt: skip
    print(json.dumps(report["cpu"]))
    for kind, by_encoder in median.items():
        for name, found in by_encoder.items():
            print(f"{kind:<20} {name:<32} {found['cpu_ms_per_text']:>6.2f} CPU-ms/text "
                  f"{found['texts_per_s']:>7.1f} texts/s")  # fmt: skip
    for kind, found in pooling.items():
        costs = ", ".join(f"{k} {v:.3f}" for k, v in found["cpu_ms_per_text"].items())
        print(f"pooling alone, {kind} ({found['tokens']} tokens): {costs} CPU-ms/text")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "offline_speed.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
