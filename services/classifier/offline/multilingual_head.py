"""The multilingual model's head: per label, a network of one hidden layer over the sentence
vector, then that label's calibration. Pure numpy at serving time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from services.classifier.domain.calibration import Calibration

MULTILINGUAL_HEAD_PATH = Path(__file__).resolve().parent / "multilingual_head.npz"


@dataclass(frozen=True)
class MultilingualHead:
    labels: tuple[str, ...]
    hidden_weights: np.ndarray  # (labels, dimensions, hidden)
    hidden_bias: np.ndarray  # (labels, hidden)
    out_weights: np.ndarray  # (labels, hidden)
    out_bias: np.ndarray  # (labels,)
    version: str
    info: dict
    calibrations: dict[str, Calibration]
    languages: tuple[str, ...]  # what it reads: the encoder's languages (see its info)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Raw probabilities, (rows, labels)."""
        hidden = np.einsum("nd,ldh->lnh", vectors, self.hidden_weights) + self.hidden_bias[:, None]
        np.maximum(hidden, 0.0, out=hidden)
        logits = np.einsum("lnh,lh->nl", hidden, self.out_weights) + self.out_bias
        return 1.0 / (1.0 + np.exp(-logits))

    def calibrated(self, probabilities: np.ndarray) -> np.ndarray:
        out = probabilities.copy()
        for column, label in enumerate(self.labels):
            out[:, column] = self.calibrations[label].apply(probabilities[:, column])
        return out

    def save(self, path: Path = MULTILINGUAL_HEAD_PATH) -> None:
        np.savez_compressed(
            path,
            labels=np.array(self.labels),
            languages=np.array(self.languages),
            hidden_weights=self.hidden_weights.astype(np.float16),
            hidden_bias=self.hidden_bias.astype(np.float32),
            out_weights=self.out_weights.astype(np.float32),
            out_bias=self.out_bias.astype(np.float32),
            version=np.array(self.version),
            info=np.array(json.dumps(self.info)),
            **{
                f"calibration_{part}_{label}": getattr(found, part)
                for label, found in self.calibrations.items()
                for part in ("raw", "calibrated")
            },
        )

    @classmethod
    def load(cls, path: Path = MULTILINGUAL_HEAD_PATH) -> MultilingualHead:
        with np.load(path) as data:
            labels = tuple(str(label) for label in data["labels"])
            return cls(
                labels=labels,
                hidden_weights=data["hidden_weights"].astype(np.float32),
                hidden_bias=data["hidden_bias"],
                out_weights=data["out_weights"],
                out_bias=data["out_bias"],
                version=str(data["version"]),
                info=json.loads(str(data["info"])),
                calibrations={
                    label: Calibration(
                        data[f"calibration_raw_{label}"], data[f"calibration_calibrated_{label}"]
                    )
                    for label in labels
                },
                languages=tuple(str(code) for code in data["languages"]),
            )
