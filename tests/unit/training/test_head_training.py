"""Fitting the offline head: which rows it fits on, and where its C is judged."""

from __future__ import annotations

import json

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from services.classifier.offline.head import Head
from training.data import Dataset
from training.train import (
    C_GRID,
    compare_on_feedback,
    fit_label,
    held_out_jigsaw_mean,
    with_extra_rows,
)


def test_generated_rows_follow_train_and_feedback_comes_last_with_a_held_out_share(
    tmp_path,
) -> None:
    feedback = tmp_path / "feedback.jsonl"
    feedback.write_text(
        "".join(
            json.dumps({"text": f"f{i}", "labels": {"toxicity": 1.0}}) + "\n" for i in range(50)
        )
    )
    train = Dataset(["a", "b"], [{"toxicity": 0.0}, {"toxicity": 1.0}], ["x", "x"])
    data, generated, given, held = with_extra_rows(train, feedback, generated=5)
    assert len(data.texts) == 2 + 10 + 50
    assert data.texts[:2] == ["a", "b"] and data.texts[-1] == "f49"
    assert generated.tolist() == [False] * 2 + [True] * 10 + [False] * 50
    assert given.tolist() == [False] * 12 + [True] * 50
    assert 0 < held.sum() < 50 and not (held & ~given).any()


def test_without_extras_the_data_is_train_alone() -> None:
    train = Dataset(["a"], [{"toxicity": 0.0}], ["x"])
    data, generated, given, held = with_extra_rows(train, None, generated=0)
    assert data.texts == ["a"] and not (generated.any() or given.any() or held.any())


def test_c_is_judged_on_the_judging_rows_not_on_the_fit_rows() -> None:
    # The first feature is the truth on the fit rows and noise on the judging rows: judged on
    # the fit rows every C would look perfect.
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    x = np.c_[y + rng.normal(0, 0.1, 400), y + rng.normal(0, 1.5, 400)]
    judged = np.arange(300, 400)
    x[judged, 0] = rng.normal(0, 1, 100)
    model, c, auc = fit_label(x, np.arange(300), y[:300], (judged, y[judged]))
    by_c = {
        c_: roc_auc_score(
            y[judged],
            LogisticRegression(C=c_, solver="liblinear")
            .fit(x[:300], y[:300])
            .predict_proba(x[judged])[:, 1],
        )
        for c_ in C_GRID
    }
    assert auc == by_c[c] == max(by_c.values()) < 0.95
    assert roc_auc_score(y[:300], model.predict_proba(x[:300])[:, 1]) > 0.99


def test_the_held_out_jigsaw_mean_reads_only_held_out_jigsaw_rows() -> None:
    # One feature: it ranks toxicity perfectly on jigsaw rows and backwards on the other source,
    # and backwards on the jigsaw row that is not held out.
    feature = np.array([[0.1], [0.9], [0.2], [0.8], [0.9], [0.1], [0.0]])
    toxic = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0]
    data = Dataset(
        [str(i) for i in range(7)],
        [{"toxicity": t} for t in toxic],
        ["jigsaw_toxic"] * 4 + ["olid"] * 2 + ["jigsaw_toxic"],
    )
    held = np.array([True] * 6 + [False])
    head = Head(("toxicity",), np.array([[10.0]], np.float32), np.zeros(1, np.float32), "t", {})
    assert held_out_jigsaw_mean(data, sparse.csr_matrix(feature), held, head) == 1.0


def test_feedback_is_compared_on_its_held_out_rows_that_carry_the_label() -> None:
    # Rows 2-5 are held out, 0-1 are not; row 4 carries no toxicity label. The old
    # head ranks the held-out rows backwards, the new one the right way round.
    feature = np.array([[0.9], [0.1], [0.2], [0.8], [0.5], [0.7]])
    labels = [{"toxicity": 0.0}, {"toxicity": 1.0}, {"toxicity": 0.0}, {"toxicity": 1.0},
              {"insult": 1.0}, {"toxicity": 1.0}]  # fmt: skip
    data = Dataset([str(i) for i in range(6)], labels, ["feedback"] * 6)
    held = np.array([False, False, True, True, True, True])
    old, new = (
        Head(("toxicity",), np.array([[s * 10.0]], np.float32), np.array([s * -5.0]), "t", {})
        for s in (-1.0, 1.0)
    )
    report = compare_on_feedback(data, sparse.csr_matrix(feature), held, old, new)
    assert report == {"toxicity": {"rows": 3, "before_accuracy": 0.0, "before_roc_auc": 0.0,
                                   "after_accuracy": 1.0, "after_roc_auc": 1.0}}  # fmt: skip
