"""Train the offline model's head on train.jsonl (never on test.jsonl).

    python -m services.classifier.offline.train [--data DIR]

Labels a row does not carry are masked: each label's regression sees only the rows that have it.
A label with no training rows (sexual_explicit) gets no head at all and is reported missing.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from services.classifier.domain.normalize import make_normalizer
from services.classifier.offline.data import DEFAULT_DATA, cached_embeddings, load
from services.classifier.offline.features import NgramFeatures, SentenceEncoder, combine
from services.classifier.offline.head import HEAD_PATH, Head
from services.classifier.offline.vocabulary import known_words
from services.contracts.events import LABELS

C_GRID = (1.0, 4.0, 16.0)


def fit_label(
    x, rows: np.ndarray, y: np.ndarray, seed: int
) -> tuple[LogisticRegression, float, float]:
    """Pick C on a 10% holdout of the training rows, then refit on all of them."""
    rng = np.random.default_rng(seed)
    holdout = rng.random(len(rows)) < 0.1
    best_c, best_auc = C_GRID[0], -1.0
    for c in C_GRID:
        model = LogisticRegression(C=c, solver="liblinear", max_iter=200)
        model.fit(x[rows[~holdout]], y[~holdout])
        auc = roc_auc_score(y[holdout], model.predict_proba(x[rows[holdout]])[:, 1])
        if auc > best_auc:
            best_c, best_auc = c, auc
    model = LogisticRegression(C=best_c, solver="liblinear", max_iter=200).fit(x[rows], y)
    return model, best_c, best_auc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=HEAD_PATH)
    args = parser.parse_args()

    started = time.monotonic()
    train = load(args.data / "train.jsonl")
    normalize = make_normalizer(known_words())
    texts = [normalize(t) for t in train.texts]
    encoder = SentenceEncoder(threads=2)
    embeddings = cached_embeddings(texts, encoder.encode, "train")
    x = combine(embeddings, NgramFeatures().transform(texts))
    print(f"features {x.shape} in {time.monotonic() - started:.0f}s", flush=True)

    labels, columns, biases, stats = [], [], [], {}
    for label in LABELS:
        rows, y = train.targets(label)
        if len(rows) == 0 or y.min() == y.max():
            print(f"{label}: no usable training rows; it will be reported missing", flush=True)
            continue
        model, c, auc = fit_label(x, rows, y, seed=len(labels))
        labels.append(label)
        columns.append(model.coef_[0].astype(np.float32))
        biases.append(float(model.intercept_[0]))
        stats[label] = {
            "rows": len(rows),
            "positives": int(y.sum()),
            "C": c,
            "holdout_auc": round(auc, 4),
        }
        print(f"{label}: {stats[label]}", flush=True)

    head = Head(
        labels=tuple(labels),
        weights=np.stack(columns, axis=1),
        bias=np.array(biases, dtype=np.float32),
        version=datetime.now(UTC).strftime("%Y.%m.%d"),
        info={"trained_on": "train.jsonl", "rows": len(texts), "labels": stats},
    )
    head.save(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.monotonic() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
