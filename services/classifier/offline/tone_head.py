"""The multilingual model's tone head: negative, neutral or positive, from the same sentence
vectors as its labels (one more small matrix product per post). Pure numpy at serving time.

Pulse reads a community's mood from the tone of its posts; VADER, its English lexicon, reads
nothing in other languages. This head was taught VADER's tone on English rows and reads the
other languages by the encoder's cross-lingual transfer (offline/train_tone.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TONE_HEAD_PATH = Path(__file__).resolve().parent / "tone_head.npz"
CLASSES = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class ToneHead:
    weights: np.ndarray  # (dimensions, classes)
    bias: np.ndarray  # (classes,)
    version: str
    info: dict

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(rows, classes), in the order of CLASSES."""
        logits = vectors @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: Path = TONE_HEAD_PATH) -> None:
        np.savez_compressed(
            path,
            classes=np.array(CLASSES),
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
            version=np.array(self.version),
            info=np.array(json.dumps(self.info)),
        )

    @classmethod
    def load(cls, path: Path = TONE_HEAD_PATH) -> ToneHead:
        with np.load(path) as data:
            if tuple(str(c) for c in data["classes"]) != CLASSES:
                raise ValueError(f"{path}: tone classes {list(data['classes'])}, not {CLASSES}")
            return cls(
                weights=data["weights"],
                bias=data["bias"],
                version=str(data["version"]),
                info=json.loads(str(data["info"])),
            )
