"""What a post costs the classifier in each language, A/B in one process and one run: CPU-ms
per post (this process's CPU time, all threads) of

- `english, English model alone`: today's path before routing, the English model scoring
  English posts with no detection;
- `english, routed`: the service's path now, detection and routing included, for the same
  posts;
- `other languages, routed`: posts in the 17 other languages, detection and routing included,
  and the same split by the model that reads them (the Universal Sentence Encoder's 13; cs, hi,
  id and sv by e5's);
- `long posts` (20,000 against 2,000 characters), routed, German, Hindi and emoji: each step of
  a post must cost time linear in its length.

Rounds alternate A and B so drift hits both alike; the median round is reported. Posts come from
the hand-written set (benchmarks/data/multilingual.jsonl), scored in batches of 16 as the
service batches them. Prints the CPU model and ISA with the figures and writes
benchmarks/results/language_cost.json.

    make bench-languages    (python -m benchmarks.language_cost [--rounds 5])
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.cpu import cpu_isa
from services.classifier.config import Settings
from services.classifier.domain.language import language_of
from services.classifier.domain.normalize import make_normalizer
from services.classifier.languages import LanguageIdentifier
from services.classifier.models.routes import Routes
from services.classifier.models.select import load_routes
from services.classifier.offline.vocabulary import known_words

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "multilingual.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
BATCH = 16


def routed(
    routes: Routes, identifier: LanguageIdentifier, normalize
) -> Callable[[list[str]], None]:
    def score(texts: list[str]) -> None:
        codes = [language_of(None, text, identifier.guess).code for text in texts]
        normalized = [normalize(text) for text in texts]
        for index, positions in routes.by_model(codes).items():
            routes.models[index].score([normalized[p] for p in positions])

    return score


def alone(routes: Routes, normalize) -> Callable[[list[str]], None]:
    return lambda texts: routes.primary.score([normalize(text) for text in texts])


def cpu_ms_per_post(score: Callable[[list[str]], None], texts: list[str]) -> float:
    started = time.process_time()
    for start in range(0, len(texts), BATCH):
        score(texts[start : start + BATCH])
    return (time.process_time() - started) * 1000 / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "language_cost.json")
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    routes = load_routes(Settings(classifier_model="offline"))
    identifier, normalize = LanguageIdentifier(), make_normalizer(known_words())
    reads = routes.languages
    english = [r["text"] for r in rows if r["lang"] == "en"] * 4
    others = [r["text"] for r in rows if r["lang"] != "en" and r["lang"] in reads]
    by_model = {
        routes.models[index].info.id: [others[i] for i in positions]
        for index, positions in routes.by_model(
            [r["lang"] for r in rows if r["lang"] != "en" and r["lang"] in reads]
        ).items()
    }
    german = " ".join(r["text"] for r in rows if r["lang"] == "de")
    hindi = " ".join(r["text"] for r in rows if r["lang"] == "hi")
    long_posts = {
        "german 2,000": [(german * 10)[:2_000]] * 8, "german 20,000": [(german * 40)[:20_000]] * 2,
        "hindi 2,000": [(hindi * 10)[:2_000]] * 8, "hindi 20,000": [(hindi * 40)[:20_000]] * 2,
        "emoji 2,000": ["😀" * 2_000] * 8, "emoji 20,000": ["😀" * 20_000] * 2,
    }  # fmt: skip
    paths = {
        "english, English model alone": (alone(routes, normalize), english),
        "english, routed": (routed(routes, identifier, normalize), english),
        "other languages, routed": (routed(routes, identifier, normalize), others),
        **{f"read by {model}, routed": (routed(routes, identifier, normalize), texts)
           for model, texts in by_model.items()},
        **{f"{name}, routed": (routed(routes, identifier, normalize), texts)
           for name, texts in long_posts.items()},
    }  # fmt: skip
    for score, texts in paths.values():  # warm every path once
        score(texts[:BATCH])
    rounds: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(args.rounds):
        for name, (score, texts) in paths.items():
            rounds[name].append(cpu_ms_per_post(score, texts))
    figures = {name: round(statistics.median(values), 3) for name, values in rounds.items()}
    base = figures["english, English model alone"]
    report = {
        "benchmark": "language_cost",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu": cpu_isa(),
        "models": [model.info.model_dump() for model in routes.models],
        "rounds": args.rounds,
        "cpu_ms_per_post": figures,
        "english_routed_over_alone": round(figures["english, routed"] / base, 3),
        "other_over_english_routed": round(
            figures["other languages, routed"] / figures["english, routed"], 3
        ),
        "german_20k_over_2k": round(
            figures["german 20,000, routed"] / figures["german 2,000, routed"], 2
        ),
        "hindi_20k_over_2k": round(
            figures["hindi 20,000, routed"] / figures["hindi 2,000, routed"], 2
        ),
        "emoji_20k_over_2k": round(
            figures["emoji 20,000, routed"] / figures["emoji 2,000, routed"], 2
        ),
    }
    print(f"CPU: {report['cpu']}")
    for name, value in figures.items():
        print(f"{name:>44}: {value:8.3f} CPU-ms/post")
    for key in ("english_routed_over_alone", "other_over_english_routed", "german_20k_over_2k",
                "hindi_20k_over_2k", "emoji_20k_over_2k"):  # fmt: skip
        print(f"{key}: {report[key]}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
