"""Fit a model's per-label calibrations, so its 0.8 means about what the offline model's does.

    python -m training.calibrate_model --model detoxify:original \
        --out calibrations/detoxify-original.json [--limit N]

The model is loaded as the service loads it (CLASSIFIER_MODEL's syntax; CLASSIFIER_RUNTIME and
CLASSIFIER_HF_CONFIG_PATH from the environment) and scores the held-out tenth of train.jsonl that
the offline head is calibrated on (the same seeded draw), normalized as the service does. Each
label the model predicts gets isotonic regression or Platt scaling, as the offline head's do;
the file records the rows, the method and the calibration error before and after (after:
cross-fitted over two halves of the rows). The
classifier applies it with CLASSIFIER_CALIBRATION_PATH.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from services.classifier.config import Settings
from services.classifier.domain.calibration import expected_calibration_error
from services.classifier.domain.normalize import make_normalizer
from services.classifier.domain.scoring import length_buckets
from services.classifier.models.base import Scorer
from services.classifier.models.calibrated import save_calibrations
from services.classifier.models.select import load_scorer
from services.classifier.offline.vocabulary import known_words
from training.calibrate import fit_calibration, halves
from training.data import DEFAULT_DATA, Dataset, load
from training.train import held_out_tenth


def held_out(train: Dataset, limit: int | None) -> Dataset:
    """The offline head's calibration rows (the first `limit` of them when given)."""
    rows = np.flatnonzero(held_out_tenth(len(train.texts)))[:limit]
    return Dataset([train.texts[i] for i in rows], [train.labels[i] for i in rows],
                   [train.sources[i] for i in rows])  # fmt: skip


def fit(scores: list[dict[str, float]], data: Dataset, labels: tuple[str, ...]) -> dict[str, dict]:
    """Per label the model predicts and the rows carry with both classes: its calibration."""
    found = {}
    for label in labels:
        rows, truth = data.targets(label)
        if len(rows) == 0 or truth.min() == truth.max():
            continue
        raw = np.array([scores[i][label] for i in rows], float)
        fitted = fit_calibration(raw, truth)
        found[label] = {
            "calibration": fitted.calibration, "method": fitted.method, "rows": len(rows),
            "positives": int(truth.sum()),
            "ece_raw": round(expected_calibration_error(raw, truth), 4),
            "ece_calibrated_cross_fitted": round(cross_fitted_ece(raw, truth), 4),
        }  # fmt: skip
    return found


def cross_fitted_ece(raw: np.ndarray, truth: np.ndarray) -> float:
    """The calibrated scores' ECE with each half of the rows mapped by a calibration fitted on
    the other half: fitted and measured on the same rows, the
    error would be near zero whatever the model."""
    first = halves(truth)
    mapped = np.empty(len(truth))
    for fit_on in (first, ~first):
        mapped[~fit_on] = fit_calibration(raw[fit_on], truth[fit_on]).calibration.apply(
            raw[~fit_on]
        )
    return expected_calibration_error(mapped, truth)


def scored(model: Scorer, texts: list[str], batch: int) -> list[dict[str, float]]:
    """Every text's scores, in batches of similar token length as the service forms them."""
    scores: list[dict[str, float]] = [{} for _ in texts]
    lengths = model.token_lengths(texts)
    for bucket in length_buckets(lengths, batch, model.batch_overhead_tokens):
        for i, row in zip(bucket, model.score([texts[i] for i in bucket]), strict=True):
            scores[i] = row
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", required=True, help="as CLASSIFIER_MODEL, e.g. detoxify:original"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="score only the first N rows")
    args = parser.parse_args()
    settings = Settings(classifier_model=args.model, classifier_calibration_path=None)
    model = load_scorer(settings)
    data = held_out(load(args.data / "train.jsonl"), args.limit)
    normalize = make_normalizer(known_words())
    texts = [normalize(t)[: settings.classifier_max_text_chars] for t in data.texts]
    found = fit(scored(model, texts, settings.classifier_max_batch), data, model.labels)
    save_calibrations(args.out, model.info.id, found)
    print(f"{model.info.id} {model.info.version}: {len(texts)} held-out rows")
    print("ECE cal: each half of the rows calibrated by a map fitted on the other half")
    print(f"{'label':<16} {'rows':>6} {'pos':>5} {'method':>9} {'ECE raw':>8} {'ECE cal':>8}")
    for label, m in found.items():
        print(f"{label:<16} {m['rows']:>6} {m['positives']:>5} {m['method']:>9} "
              f"{m['ece_raw']:>8.4f} {m['ece_calibrated_cross_fitted']:>8.4f}")  # fmt: skip
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
