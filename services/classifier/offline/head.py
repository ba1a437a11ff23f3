"""The trained multi-label head: one logistic regression per label over the shared features."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from services.classifier.domain.calibration import Calibration

HEAD_PATH = Path(__file__).resolve().parent / "head.npz"


@dataclass(frozen=True)
class Head:
    labels: tuple[str, ...]
    weights: np.ndarray  # (features, labels) float32
    bias: np.ndarray  # (labels,)
    version: str
    info: dict
    calibrations: dict[str, Calibration] | None = None  # per label, fitted on held-out rows

    def probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        """The logistic heads' raw probabilities (for ranking metrics)."""
        logits = features @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.asarray(logits)))

    def calibrated(self, probabilities: np.ndarray) -> np.ndarray:
        """Raw probabilities mapped to observed rates, label by label (what the service sends)."""
        if not self.calibrations:
            return probabilities
        out = probabilities.copy()
        for column, label in enumerate(self.labels):
            if label in self.calibrations:
                out[:, column] = self.calibrations[label].apply(probabilities[:, column])
        return out

    def save(self, path: Path = HEAD_PATH) -> None:
        np.savez_compressed(
            path,
            labels=np.array(self.labels),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            version=np.array(self.version),
            info=np.array(json.dumps(self.info)),
            **{
                f"calibration_{part}_{label}": getattr(found, part)
                for label, found in (self.calibrations or {}).items()
                for part in ("raw", "calibrated")
            },
        )

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> Head:
        with np.load(path) as data:
            labels = tuple(str(label) for label in data["labels"])
            calibrations = {
                label: Calibration(
                    data[f"calibration_raw_{label}"], data[f"calibration_calibrated_{label}"]
                )
                for label in labels
                if f"calibration_raw_{label}" in data
            }
            return cls(
                labels=labels,
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                version=str(data["version"]),
                info=json.loads(str(data["info"])),
                calibrations=calibrations or None,
            )
