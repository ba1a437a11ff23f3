"""Calibration: the measures, the fitted map, and the head that carries it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from services.classifier.domain.calibration import (
    Calibration,
    expected_calibration_error,
    reliability,
)
from services.classifier.offline.head import Head
from training.benign_identity import sentences
from training.calibrate import fit_calibration


def overconfident(n: int = 20_000, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Scores whose true rate is their square: a model that says 0.8 is right 64 % of the time."""
    rng = np.random.default_rng(seed)
    scores = rng.random(n)
    return scores, rng.random(n) < scores**2


def test_a_calibrated_score_has_no_calibration_error_and_an_overconfident_one_has() -> None:
    rng = np.random.default_rng(1)
    scores = rng.random(20_000)
    assert expected_calibration_error(scores, rng.random(20_000) < scores) < 0.02
    assert expected_calibration_error(*overconfident()) > 0.1


def test_reliability_bins_count_every_row() -> None:
    scores, truth = overconfident(1000)
    mean_score, observed, counts = reliability(scores, truth, bins=5)
    assert counts.sum() == 1000 and len(mean_score) == len(observed) == 5
    assert observed[-1] > observed[0]


def test_fitting_removes_most_of_the_error_and_keeps_the_order() -> None:
    scores, truth = overconfident()
    calibration = fit_calibration(scores[:10_000], truth[:10_000]).calibration
    after = calibration.apply(scores[10_000:])
    before = expected_calibration_error(scores[10_000:], truth[10_000:])
    assert expected_calibration_error(after, truth[10_000:]) < before / 3
    ordered = np.sort(scores[10_000:])
    assert np.all(np.diff(calibration.apply(ordered)) >= 0)
    assert abs(float(calibration.apply(np.array([0.8]))[0]) - 0.64) < 0.08


def test_a_rare_label_is_fitted_by_platt_and_its_map_still_rises_to_the_top() -> None:
    """9 positives among 900 rows, as threat has in the held-out tenth: isotonic regression's
    top step would be a ratio of a few rows; Platt's map keeps rising, so a policy threshold
    of 0.7 stays reachable by the scores the model is surest of."""
    rng = np.random.default_rng(5)
    truth = np.zeros(900, dtype=bool)
    truth[:9] = True
    scores = np.where(truth, rng.uniform(0.6, 1.0, 900), rng.beta(1, 30, 900))
    scores[9] = 0.99  # one confident false positive, as real data has
    method, calibration = fit_calibration(scores, truth)
    assert method == "platt"
    grid = np.linspace(0, 1, 201)
    assert np.all(np.diff(calibration.apply(grid)) >= 0)
    assert float(calibration.apply(np.array([0.999]))[0]) > 0.7
    assert float(calibration.apply(np.array([0.01]))[0]) < 0.05


def test_platt_is_kept_where_the_rate_is_a_logistic_of_the_score() -> None:
    # The true rate is a logistic of the raw score's logit: isotonic can only approximate it
    # with steps, and on 900 rows its steps follow noise.
    rng = np.random.default_rng(11)
    scores = rng.beta(0.7, 2.0, 900)
    logits = np.log(scores / (1 - scores))
    truth = rng.random(900) < 1 / (1 + np.exp(-(0.6 * logits - 0.5)))
    assert fit_calibration(scores, truth).method == "platt"


def test_isotonic_is_kept_where_the_rate_is_no_logistic_of_the_score() -> None:
    # Scores below 0.5 are right 10 % of the time and above it 90 %, whatever their value: a
    # step no logistic of the logit can follow.
    rng = np.random.default_rng(12)
    scores = rng.random(900)
    truth = rng.random(900) < np.where(scores < 0.5, 0.1, 0.9)
    method, calibration = fit_calibration(scores, truth)
    assert method == "isotonic"
    assert float(calibration.apply(np.array([0.45]))[0]) < 0.3


def test_the_head_saves_and_loads_its_calibrations(tmp_path: Path) -> None:
    map_ = Calibration(np.array([0.0, 0.5, 1.0], np.float32), np.array([0.0, 0.2, 1.0], np.float32))
    head = Head(("toxicity", "threat"), np.zeros((3, 2), np.float32), np.zeros(2, np.float32),
                "v", {}, {"threat": map_})  # fmt: skip
    head.save(tmp_path / "head.npz")
    loaded = Head.load(tmp_path / "head.npz")
    raw = np.array([[0.5, 0.5], [0.75, 0.75]])
    assert np.allclose(loaded.calibrated(raw), [[0.5, 0.2], [0.75, 0.6]])


def test_the_benign_identity_set_has_over_a_hundred_distinct_sentences() -> None:
    found = sentences()
    assert len(set(found)) == len(found) >= 100
    assert "I am an atheist and I love this community." in found
