"""Reading the labeled toxicity data (kept outside the repo) and caching its embeddings."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The labels train.jsonl's jigsaw rows carry: what fine-tuning learns and the evaluation averages.
JIGSAW_LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "toxicity"
CACHE = (
    Path(os.environ.get("MODERATION_CACHE", Path.home() / ".cache" / "moderation")) / "embeddings"
)


@dataclass
class Dataset:
    texts: list[str]
    labels: list[dict[str, float]]
    sources: list[str]

    def targets(self, label: str) -> tuple[np.ndarray, np.ndarray]:
        """Row indices carrying this label and their binary targets; absent labels are masked out."""
        rows = [i for i, labels in enumerate(self.labels) if label in labels]
        y = np.array([self.labels[i][label] >= 0.5 for i in rows], dtype=np.int8)
        return np.array(rows, dtype=np.int64), y

    def from_source(self, source: str) -> np.ndarray:
        """Which rows come from this source."""
        return np.array([s == source for s in self.sources], dtype=bool)


def load(path: Path) -> Dataset:
    texts, labels, sources = [], [], []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(row["labels"])
            sources.append(row.get("source", "unknown"))
    return Dataset(texts, labels, sources)


def cached_embeddings(texts: list[str], encode, tag: str) -> np.ndarray:
    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{tag}-{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = encode(texts)
    np.save(path, vectors)
    return vectors
