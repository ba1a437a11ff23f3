"""Train the offline model's head on train.jsonl (never on test.jsonl), with its calibration.

    python -m training.train [--data DIR] [--feedback feedback.jsonl
        --feedback-weight 3] [--adapter adapter.npz | --no-adapter]

- The features are the fine-tuned encoder's embeddings (MiniLM with the LoRA adapter of
  `finetune.py` merged in, when adapter.npz exists; the mean and the maximum of its tokens'
  states over up to four windows) and hashed n-grams; the head records the adapter's digest,
  the windows and the pooling, and the service reads posts the same way. It refuses to pair
  the head with another adapter.
- The embeddings come from the runtime the service uses (onnx-int8 by default), so the
  calibration maps the scores the service actually computes.

- Labels a row does not carry are masked: each label's regression sees only the rows that
  have it. A label with no training rows (sexual_explicit) gets no head and is reported missing.
- A tenth of train.jsonl (seeded; the same tenth fine-tuning never trains on) is held out of
  the fit. Each label's C is chosen on it, and its calibration is fitted on it: isotonic or
  Platt, whichever predicts one half of it better when fitted on the other; Platt for a label
  with few positives (training/calibrate.py). The mean ROC-AUC over the
  jigsaw labels on its jigsaw rows is recorded: candidate models are compared on it.
- The generated threats and look-alikes of `augment.py` join the fit, as in fine-tuning.
- `--feedback`: labeled examples from `make export-labels` join the fit with a weight; a fifth
  of them (seeded) is held out to compare the head before and after on them.

Seeded throughout: the same data gives the same head. The hyper-parameters are recorded in
the head's `info`.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from services.classifier.domain.calibration import expected_calibration_error
from services.classifier.domain.normalize import make_normalizer
from services.classifier.offline.adapter import ADAPTER_PATH, Adapter
from services.classifier.offline.features import (
    POOLING,
    WINDOWS,
    NgramFeatures,
    SentenceEncoder,
    combine,
)
from services.classifier.offline.head import HEAD_PATH, Head
from services.classifier.offline.vocabulary import known_words
from services.contracts.events import LABELS
from training.augment import threat_rows
from training.calibrate import MIN_ISOTONIC_CLASS_ROWS, fit_calibration
from training.data import (
    DEFAULT_DATA,
    JIGSAW_LABELS,
    Dataset,
    cached_embeddings,
    load,
)

C_GRID = (1.0, 4.0, 16.0)
SEED = 7
CALIBRATION_SHARE = 0.1
FEEDBACK_HOLDOUT_SHARE = 0.2
GENERATED_THREATS = 600  # as many as fine-tuning adds


def held_out_tenth(count: int) -> np.ndarray:
    """Which of `count` rows are held out for calibration and model choice: a seeded draw, so
    fine-tuning, the head and a model's calibration hold out the same rows of train.jsonl (its
    rows come first wherever others are appended)."""
    return np.random.default_rng(SEED).random(count) < CALIBRATION_SHARE


def fit_label(
    x,
    rows: np.ndarray,
    y: np.ndarray,
    judged_on: tuple[np.ndarray, np.ndarray],
    weights: np.ndarray | None = None,
) -> tuple[LogisticRegression, float, float]:
    """Fit on `rows` with each C; keep the model that ranks the rows `judged_on` (rows,
    targets) best, with its C and that ROC-AUC.

    The judging rows are the held-out tenth the adapter never saw: on the fit rows the fine-tuned
    embedding ranks almost perfectly (it was trained on them), so they cannot tell Cs apart."""
    weights = np.ones(len(rows)) if weights is None else weights
    judged_rows, judged_y = judged_on
    best: tuple[LogisticRegression, float, float] | None = None
    for c in C_GRID:
        model = LogisticRegression(C=c, solver="liblinear", max_iter=200)
        model.fit(x[rows], y, sample_weight=weights)
        auc = (
            roc_auc_score(judged_y, model.predict_proba(x[judged_rows])[:, 1])
            if judged_y.min() != judged_y.max()
            else 0.0
        )
        if best is None or auc > best[2]:
            best = (model, c, auc)
    assert best is not None
    return best


def with_extra_rows(
    train: Dataset, feedback: Path | None, generated: int
) -> tuple[Dataset, np.ndarray, np.ndarray, np.ndarray]:
    """train.jsonl, then the generated threats (fit only), then the feedback rows: the joined
    data, which rows are generated, which are feedback, and which feedback is held out."""
    extra = threat_rows(generated) if generated else Dataset([], [], [])
    given = load(feedback) if feedback is not None else Dataset([], [], [])
    rng = np.random.default_rng(SEED + 1)
    held = rng.random(len(given.texts)) < FEEDBACK_HOLDOUT_SHARE
    joined = Dataset(
        train.texts + extra.texts + given.texts, train.labels + extra.labels + given.labels,
        train.sources + extra.sources + given.sources,
    )  # fmt: skip
    before, sizes = len(train.texts), (len(extra.texts), len(given.texts))
    is_generated = np.r_[np.zeros(before, bool), np.ones(sizes[0], bool), np.zeros(sizes[1], bool)]
    is_feedback = np.r_[np.zeros(before + sizes[0], bool), np.ones(sizes[1], bool)]
    held_out = np.r_[np.zeros(before + sizes[0], bool), held]
    return joined, is_generated, is_feedback, held_out


def compare_on_feedback(data: Dataset, x, held: np.ndarray, old: Head | None, new: Head) -> dict:
    """Per label on the held-out feedback: ROC-AUC (when both classes occur) and accuracy at 0.5,
    before and after."""
    report: dict = {}
    rows_held = np.flatnonzero(held)
    for name, head in (("before", old), ("after", new)):
        if head is None or len(rows_held) == 0:
            continue
        p = head.calibrated(head.probabilities(x[rows_held]))
        for column, label in enumerate(head.labels):
            at, truth = among(data, label, rows_held)
            if len(at) == 0:
                continue
            scores = p[at, column]
            entry = report.setdefault(label, {"rows": len(at)})
            entry[f"{name}_accuracy"] = round(float(((scores >= 0.5) == truth).mean()), 4)
            if truth.min() != truth.max():
                entry[f"{name}_roc_auc"] = round(float(roc_auc_score(truth, scores)), 4)
    return report


def held_out_jigsaw_mean(data: Dataset, x, held: np.ndarray, head: Head) -> float:
    """Mean ROC-AUC over the six jigsaw labels on the held-out jigsaw rows: the figure candidate
    models are compared on, so that test.jsonl is only reported, never chosen on."""
    judged = np.flatnonzero(held & data.from_source("jigsaw_toxic"))
    p = head.probabilities(x[judged])
    aucs = []
    for label in [label for label in JIGSAW_LABELS if label in head.labels]:
        at, truth = among(data, label, judged)
        if len(at) and truth.min() != truth.max():
            aucs.append(roc_auc_score(truth, p[at, head.labels.index(label)]))
    return round(float(np.mean(aucs)), 4) if aucs else float("nan")


def among(data: Dataset, label: str, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of the chosen rows (sorted indices), where those carrying the label sit among them, and
    their targets; rows without the label are left out, never counted as negatives."""
    rows, y = data.targets(label)
    keep = np.isin(rows, chosen)
    return np.searchsorted(chosen, rows[keep]), y[keep]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=HEAD_PATH)
    parser.add_argument("--feedback", type=Path, default=None)
    parser.add_argument("--feedback-weight", type=float, default=3.0)
    parser.add_argument("--adapter", type=Path, default=ADAPTER_PATH)
    parser.add_argument("--no-adapter", action="store_true", help="plain MiniLM embeddings")
    parser.add_argument(
        "--generated-threats", type=int, default=GENERATED_THREATS,
        help="generated threats and as many look-alikes in the fit (offline/augment.py)",
    )  # fmt: skip
    parser.add_argument(
        "--windows", type=int, default=WINDOWS,
        help="windows of MAX_TOKENS a long text is read in (1: its first window only)",
    )  # fmt: skip
    parser.add_argument(
        "--pooling", default=",".join(POOLING),
        help="how tokens' states become the embedding: mean, max, or both (mean,max)",
    )  # fmt: skip
    parser.add_argument(
        "--runtime", default="onnx-int8", help="the encoder's runtime; the service's by default, "
        "so the head and its calibration see the embeddings the service computes",
    )  # fmt: skip
    args = parser.parse_args()
    adapter = None if args.no_adapter or not args.adapter.exists() else Adapter.load(args.adapter)

    started = time.monotonic()
    base = load(args.data / "train.jsonl")
    data, is_generated, is_feedback, feedback_held = with_extra_rows(
        base, args.feedback, args.generated_threats
    )
    own = len(base.texts) + int(is_generated.sum())  # cached apart; feedback changes, so it is not
    normalize = make_normalizer(known_words())
    texts = [normalize(t) for t in data.texts]
    encoder = SentenceEncoder(
        threads=2, adapter=adapter, runtime=args.runtime, windows=args.windows,
        pooling=args.pooling.split(","),
    )  # fmt: skip
    tag = f"train-{encoder.identity}-{args.runtime}"
    cached = [texts[: len(base.texts)], texts[len(base.texts) : own]]
    embeddings = np.vstack(
        [cached_embeddings(part, encoder.encode, tag) for part in cached if part]
        + [encoder.encode(texts[own:]) if args.feedback else np.zeros((0, encoder.dim))]
    )
    x = combine(embeddings.astype(np.float32), NgramFeatures().transform(texts))
    print(f"features {x.shape} in {time.monotonic() - started:.0f}s", flush=True)
    calibration_rows = held_out_tenth(len(texts)) & ~is_feedback & ~is_generated
    fit_rows = ~calibration_rows & ~feedback_held
    weights_all = np.where(is_feedback, args.feedback_weight, 1.0)

    labels, columns, biases, calibrations, stats = [], [], [], {}, {}
    for label in LABELS:
        rows, y = data.targets(label)
        fit, held = fit_rows[rows], calibration_rows[rows]
        if fit.sum() == 0 or y[fit].min() == y[fit].max():
            print(f"{label}: no usable training rows; it will be reported missing", flush=True)
            continue
        model, c, auc = fit_label(
            x, rows[fit], y[fit], (rows[held], y[held]), weights=weights_all[rows[fit]]
        )
        raw = model.predict_proba(x[rows[held]])[:, 1]
        fitted = fit_calibration(raw, y[held])
        calibrations[label] = fitted.calibration
        labels.append(label)
        columns.append(model.coef_[0].astype(np.float32))
        biases.append(float(model.intercept_[0]))
        stats[label] = {
            "rows": int(fit.sum()), "positives": int(y[fit].sum()), "C": c,
            "calibration_rows_auc": round(auc, 4), "calibration_rows": int(held.sum()),
            "calibration": fitted.method,
            "ece_raw_on_calibration_rows": round(expected_calibration_error(raw, y[held]), 4),
        }  # fmt: skip
        print(f"{label}: {stats[label]}", flush=True)

    old = Head.load(args.out) if args.feedback and args.out.exists() else None
    head = Head(
        labels=tuple(labels),
        weights=np.stack(columns, axis=1),
        bias=np.array(biases, dtype=np.float32),
        version=datetime.now(UTC).strftime("%Y.%m.%d"),
        info={
            "trained_on": "train.jsonl" + (f" + {args.feedback.name}" if args.feedback else ""),
            "rows": len(texts), "seed": SEED, "C_grid": list(C_GRID),
            "C_chosen_on": "the calibration rows", "generated_threats": args.generated_threats,
            "encoder_adapter": adapter.digest if adapter is not None else None,
            "encoder_runtime": args.runtime,
            "encoder_windows": args.windows,
            "encoder_pooling": list(encoder.pooling),
            "calibration": "isotonic or Platt, the lower cross-fitted Brier score (Platt below "
            f"{MIN_ISOTONIC_CLASS_ROWS} rows of a class), on a held-out {CALIBRATION_SHARE:.0%} "
            "of train.jsonl",
            "feedback_weight": args.feedback_weight if args.feedback else None,
            "labels": stats,
        },
        calibrations=calibrations,
    )  # fmt: skip
    head.info["held_out_jigsaw_mean_roc_auc"] = held_out_jigsaw_mean(
        data, x, calibration_rows, head
    )
    print(f"held-out jigsaw mean ROC-AUC: {head.info['held_out_jigsaw_mean_roc_auc']}", flush=True)
    if args.feedback:
        report = compare_on_feedback(data, x, feedback_held, old, head)
        head.info["feedback_holdout"] = report
        print(f"held-out feedback, before and after: {report}", flush=True)
    head.save(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) in {time.monotonic() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
