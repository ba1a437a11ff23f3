"""Fitting a label's calibration on held-out rows (training time only)."""

from __future__ import annotations

import numpy as np
from sklearn.isotonic import IsotonicRegression

from services.classifier.domain.calibration import Calibration


def fit_calibration(scores: np.ndarray, truth: np.ndarray) -> Calibration:
    """Isotonic regression of the label on the raw score, kept as its breakpoints (a few
    hundred at most): the map is stored with the head and costs one interpolation a score."""
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
    model.fit(scores, truth.astype(float))
    raw = np.concatenate([[0.0], model.X_thresholds_, [1.0]])
    calibrated = np.concatenate(
        [[model.y_thresholds_[0]], model.y_thresholds_, [model.y_thresholds_[-1]]]
    )
    keep = np.concatenate([[True], np.diff(raw) > 0])  # interp needs increasing breakpoints
    return Calibration(raw[keep].astype(np.float32), calibrated[keep].astype(np.float32))
