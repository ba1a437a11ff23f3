"""The trained multi-label head: one logistic regression per label over the shared features."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

HEAD_PATH = Path(__file__).resolve().parent / "head.npz"


@dataclass(frozen=True)
class Head:
    labels: tuple[str, ...]
    weights: np.ndarray  # (features, labels) float32
    bias: np.ndarray  # (labels,)
    version: str
    info: dict

    def probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        logits = features @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.asarray(logits)))

    def save(self, path: Path = HEAD_PATH) -> None:
        np.savez_compressed(
            path,
            labels=np.array(self.labels),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            version=np.array(self.version),
            info=np.array(json.dumps(self.info)),
        )

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> Head:
        with np.load(path) as data:
            return cls(
                labels=tuple(str(label) for label in data["labels"]),
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                version=str(data["version"]),
                info=json.loads(str(data["info"])),
            )
