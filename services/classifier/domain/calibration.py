"""Scores that mean the same whichever model runs: a per-label monotone map from the model's
raw probability to the observed rate of the label (isotonic regression, fitted on held-out
training rows), and the measures of how well a score is calibrated. Pure (numpy only).

A calibrated 0.8 means that about 80 % of posts scored 0.8 carry the label, so a policy
threshold written for one model carries over to another calibrated the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Calibration:
    """Breakpoints of a non-decreasing map, interpolated linearly between them."""

    raw: np.ndarray
    calibrated: np.ndarray

    def apply(self, scores: np.ndarray) -> np.ndarray:
        return np.interp(scores, self.raw, self.calibrated)


def reliability(
    scores: np.ndarray, truth: np.ndarray, bins: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per equal-width bin of score: the mean score, the observed rate and the row count (a bin
    without rows has NaN means)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(scores, edges[1:-1]), 0, bins - 1)
    counts = np.bincount(which, minlength=bins).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_score = np.bincount(which, weights=scores, minlength=bins) / counts
        observed = np.bincount(which, weights=truth.astype(float), minlength=bins) / counts
    return mean_score, observed, counts


def expected_calibration_error(scores: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    """The row-weighted mean gap between the score and the observed rate, over score bins."""
    mean_score, observed, counts = reliability(scores, truth, bins)
    used = counts > 0
    gaps = np.abs(mean_score[used] - observed[used]) * counts[used]
    return float(gaps.sum() / max(counts.sum(), 1.0))
