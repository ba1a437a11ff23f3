"""Fitting a label's calibration on held-out rows (training time only)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from services.classifier.domain.calibration import Calibration

# Below this many positives (or negatives) isotonic regression follows a handful of rows: with
# 9 held-out threats its top step was 0.67, so no score could reach a 0.70 policy threshold.
# Platt scaling's two parameters need far fewer rows and keep the map rising to 1.
MIN_ISOTONIC_CLASS_ROWS = 50
PLATT_GRID = 1.0 / (1.0 + np.exp(-np.linspace(-12.0, 12.0, 97)))  # dense where logits change


class FittedCalibration(NamedTuple):
    method: str  # "platt" or "isotonic"
    calibration: Calibration


def fit_calibration(scores: np.ndarray, truth: np.ndarray) -> FittedCalibration:
    """A monotone map from raw score to observed rate, kept as breakpoints (a few hundred at
    most): isotonic regression or Platt scaling, whichever predicts the held-out rows better
    when each is fitted on one half and scored on the other; Platt where a class has too few
    rows for isotonic."""
    positives = int(truth.sum())
    if min(positives, len(truth) - positives) < MIN_ISOTONIC_CLASS_ROWS:
        return FittedCalibration("platt", fit_platt(scores, truth))
    if cross_fitted_brier(fit_platt, scores, truth) < cross_fitted_brier(
        fit_isotonic, scores, truth
    ):
        return FittedCalibration("platt", fit_platt(scores, truth))
    return FittedCalibration("isotonic", fit_isotonic(scores, truth))


def cross_fitted_brier(fit, scores: np.ndarray, truth: np.ndarray, seed: int = 7) -> float:
    """The Brier score of a calibration fitted on one half of the rows and applied to the
    other, both ways round."""
    first = halves(truth, seed)
    errors = 0.0
    for fit_on in (first, ~first):
        calibration = fit(scores[fit_on], truth[fit_on])
        errors += float(((calibration.apply(scores[~fit_on]) - truth[~fit_on]) ** 2).sum())
    return errors / len(truth)


def halves(truth: np.ndarray, seed: int = 7) -> np.ndarray:
    """Which rows are in the first of two halves, drawn per class (seeded), so each half has
    about half of the positives."""
    first = np.zeros(len(truth), bool)
    rng = np.random.default_rng(seed)
    for value in (0, 1):
        rows = rng.permutation(np.flatnonzero(truth == value))
        first[rows[: len(rows) // 2]] = True
    return first


def fit_isotonic(scores: np.ndarray, truth: np.ndarray) -> Calibration:
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
    model.fit(scores, truth.astype(float))
    raw = np.concatenate([[0.0], model.X_thresholds_, [1.0]])
    calibrated = np.concatenate(
        [[model.y_thresholds_[0]], model.y_thresholds_, [model.y_thresholds_[-1]]]
    )
    keep = np.concatenate([[True], np.diff(raw) > 0])  # interp needs increasing breakpoints
    return Calibration(raw[keep].astype(np.float32), calibrated[keep].astype(np.float32))


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_platt(scores: np.ndarray, truth: np.ndarray) -> Calibration:
    """A logistic regression on the raw score's logit, sampled on a grid of raw scores."""
    model = LogisticRegression(C=100.0)
    model.fit(logit(scores)[:, None], truth.astype(int))
    slope, bias = max(float(model.coef_[0, 0]), 1e-3), float(model.intercept_[0])  # rising
    raw = np.concatenate([[0.0], PLATT_GRID, [1.0]])
    calibrated = 1.0 / (1.0 + np.exp(-(slope * logit(raw) + bias)))
    return Calibration(raw.astype(np.float32), calibrated.astype(np.float32))
