"""Evaluate the offline model on test.jsonl: ROC-AUC and PR-AUC per label, overall and per source.

    python -m services.classifier.offline.evaluate [--data DIR]

Rows are scored through the same normalizer and features the service uses. A label a row does
not carry is left out of that label's metrics. Results are printed and written to
benchmarks/results/offline_eval_<runtime>.json (the service's default runtime on CPU is onnx-int8).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from services.classifier.domain.normalize import make_normalizer
from services.classifier.models.offline import OfflineScorer
from services.classifier.models.onnx import FAST_RUNTIMES
from services.classifier.offline.data import DEFAULT_DATA, Dataset, cached_embeddings, load
from services.classifier.offline.features import NgramFeatures, combine
from services.classifier.offline.vocabulary import known_words

RESULTS = Path(__file__).resolve().parents[3] / "benchmarks" / "results"
JIGSAW_LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")


def metrics_for(
    data: Dataset, probabilities: np.ndarray, labels: tuple[str, ...], rows: np.ndarray
) -> dict:
    out = {}
    for column, label in enumerate(labels):
        carrying, y = data.targets(label)
        keep = np.isin(carrying, rows)
        carrying, y = carrying[keep], y[keep]
        if len(carrying) == 0 or y.min() == y.max():
            continue
        scores = probabilities[carrying, column]
        out[label] = {
            "rows": len(carrying),
            "positives": int(y.sum()),
            "roc_auc": round(float(roc_auc_score(y, scores)), 4),
            "pr_auc": round(float(average_precision_score(y, scores)), 4),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runtime", choices=["torch", *FAST_RUNTIMES], default="onnx-int8")
    args = parser.parse_args()

    test = load(args.data / "test.jsonl")
    scorer = OfflineScorer(threads=2, runtime=args.runtime)
    normalize = make_normalizer(known_words())
    texts = [normalize(t) for t in test.texts]
    started = time.monotonic()
    embeddings = cached_embeddings(texts, scorer.encoder.encode, f"test-{args.runtime}")
    probabilities = scorer.head.probabilities(combine(embeddings, NgramFeatures().transform(texts)))
    labels = scorer.head.labels

    everything = np.arange(len(texts))
    report = {
        "model": scorer.info.model_dump(),
        "overall": metrics_for(test, probabilities, labels, everything),
    }
    report["per_source"] = {}
    for source in sorted(set(test.sources)):
        rows = np.array([i for i, s in enumerate(test.sources) if s == source])
        report["per_source"][source] = metrics_for(test, probabilities, labels, rows)
    jigsaw = report["per_source"].get("jigsaw_toxic", {})
    aucs = [jigsaw[label]["roc_auc"] for label in JIGSAW_LABELS if label in jigsaw]
    report["jigsaw_mean_roc_auc_six_labels"] = round(float(np.mean(aucs)), 4) if aucs else None
    report["seconds"] = round(time.monotonic() - started, 1)

    print(f"{'source':<14} {'label':<16} {'rows':>6} {'pos':>6} {'ROC-AUC':>8} {'PR-AUC':>7}")
    for source, per_label in [("ALL", report["overall"]), *report["per_source"].items()]:
        for label, m in per_label.items():
            print(
                f"{source:<14} {label:<16} {m['rows']:>6} {m['positives']:>6} {m['roc_auc']:>8.4f} {m['pr_auc']:>7.4f}"
            )
    print(f"jigsaw_toxic mean ROC-AUC over six labels: {report['jigsaw_mean_roc_auc_six_labels']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"offline_eval_{args.runtime}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
