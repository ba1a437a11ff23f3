"""A model's scores mapped through its per-label calibrations, read from a file fitted by
`python -m training.calibrate_model` (the offline model carries its own in its head).

The file names the model it was fitted on; loading it over another model is refused at start-up,
since a map fitted on one model's scores means nothing on another's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from services.classifier.domain.calibration import Calibration
from services.classifier.models.base import Scorer
from services.contracts.events import ModelInfo


class CalibrationMismatch(ValueError):
    pass


def save_calibrations(path: Path, model_id: str, found: dict[str, dict]) -> None:
    """found: per label, {"calibration": Calibration, ...anything to report beside it}."""
    labels = {
        label: {
            **{k: v for k, v in entry.items() if k != "calibration"},
            "raw": entry["calibration"].raw.tolist(),
            "calibrated": entry["calibration"].calibrated.tolist(),
        }
        for label, entry in found.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"model": model_id, "labels": labels}, indent=1) + "\n")


def load_calibrations(path: Path, model_id: str) -> tuple[dict[str, Calibration], str]:
    """The per-label calibrations in the file and a short digest of it (for the model version)."""
    text = path.read_text()
    saved = json.loads(text)
    if saved.get("model") != model_id:
        raise CalibrationMismatch(
            f"{path} was fitted on model {saved.get('model')!r}, not on the loaded {model_id!r}; "
            "fit one for this model with `python -m training.calibrate_model`"
        )
    calibrations = {
        label: Calibration(np.asarray(m["raw"], float), np.asarray(m["calibrated"], float))
        for label, m in saved["labels"].items()
    }
    return calibrations, hashlib.sha256(text.encode()).hexdigest()[:8]


class CalibratedScorer:
    """The wrapped model, its scores calibrated label by label (labels without a map pass)."""

    def __init__(self, model: Scorer, calibrations: dict[str, Calibration], digest: str) -> None:
        self.model, self.calibrations = model, calibrations
        self.labels = model.labels
        self.languages = model.languages
        self.batch_overhead_tokens = model.batch_overhead_tokens
        self.info = ModelInfo(id=model.info.id, version=f"{model.info.version}+cal-{digest}")

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        return self.model.token_lengths(texts)

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        scored = self.model.score(texts)
        for label, calibration in self.calibrations.items():
            carrying = [row for row in scored if label in row]
            mapped = calibration.apply(np.array([row[label] for row in carrying], float))
            for row, value in zip(carrying, mapped, strict=True):
                row[label] = round(float(value), 6)
        return scored
