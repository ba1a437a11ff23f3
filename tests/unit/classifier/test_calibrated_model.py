"""Calibrating a model that does not carry its own calibrations (Detoxify): fitting the maps on
the held-out rows, the file that keeps them, and the service applying them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from services.classifier.config import Settings
from services.classifier.domain.calibration import Calibration
from services.classifier.models.calibrated import (
    CalibratedScorer,
    CalibrationMismatch,
    load_calibrations,
    save_calibrations,
)
from services.classifier.models.checkpoints import build_checkpoint
from services.classifier.models.select import load_scorer
from services.contracts.events import ModelInfo
from training import calibrate_model
from training.data import Dataset

HALVED = Calibration(np.array([0.0, 1.0]), np.array([0.0, 0.5]))


class Constant:
    info = ModelInfo(id="m", version="1")
    labels = ("toxicity", "threat")
    languages = frozenset({"en"})
    batch_overhead_tokens = 0

    def token_lengths(self, texts):
        return [len(t) for t in texts]

    def score(self, texts):
        return [{"toxicity": 0.8, "threat": 0.4} for _ in texts]


def test_labels_with_a_map_are_mapped_and_the_others_pass() -> None:
    scorer = CalibratedScorer(Constant(), {"toxicity": HALVED}, "abcd")
    assert scorer.score(["a", "b"]) == [{"toxicity": 0.4, "threat": 0.4}] * 2
    assert scorer.info == ModelInfo(id="m", version="1+cal-abcd")
    assert scorer.labels == Constant.labels and scorer.token_lengths(["abc"]) == [3]


def test_a_saved_file_loads_back_only_over_the_model_it_was_fitted_on(tmp_path) -> None:
    path = tmp_path / "cal.json"
    save_calibrations(path, "m", {"toxicity": {"calibration": HALVED, "method": "platt"}})
    loaded, digest = load_calibrations(path, "m")
    assert np.allclose(loaded["toxicity"].apply(np.array([0.5, 1.0])), [0.25, 0.5])
    assert len(digest) == 8 and json.loads(path.read_text())["labels"]["toxicity"]["method"]
    with pytest.raises(CalibrationMismatch, match=r"'m'.*'other'"):
        load_calibrations(path, "other")


def test_the_fitted_maps_bring_an_overconfident_model_close_to_the_observed_rates() -> None:
    rng = np.random.default_rng(0)
    truth = rng.random(2000) < 0.2
    raw = np.clip(np.where(truth, 0.9, 0.6) + rng.normal(0, 0.1, 2000), 0, 1)  # far too high
    data = Dataset(["t"] * 2000, [{"toxicity": float(t)} for t in truth], ["x"] * 2000)
    found = calibrate_model.fit([{"toxicity": r, "threat": 0.1} for r in raw], data,
                                ("toxicity", "threat"))  # fmt: skip
    assert set(found) == {"toxicity"}  # no row carries threat
    assert (
        found["toxicity"]["ece_raw"] > 0.3 > 0.05 > found["toxicity"]["ece_calibrated_cross_fitted"]
    )
    assert found["toxicity"]["rows"] == 2000 and found["toxicity"]["positives"] == truth.sum()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_checkpoint(tmp_path_factory.mktemp("ckpt"), "tiny")[0]


def test_the_command_fits_a_detoxify_checkpoint_and_the_service_applies_it(
    tiny, tmp_path, monkeypatch, capsys
) -> None:
    rows = [{"text": f"post number {i} " + ("you idiot" if i % 3 == 0 else "thanks"),
             "labels": {"toxicity": float(i % 3 == 0), "threat": float(i % 5 == 0)},
             "source": "x"} for i in range(600)]  # fmt: skip
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "cal.json"
    model = f"detoxify-checkpoint:{tiny}"
    monkeypatch.setattr(
        "sys.argv",
        ["calibrate_model", "--model", model, "--out", str(out), "--data", str(tmp_path)],
    )
    calibrate_model.main()
    assert "wrote" in capsys.readouterr().out
    saved = json.loads(out.read_text())
    assert saved["model"] == "detoxify-detoxify-tiny" and {"toxicity", "threat"} <= set(
        saved["labels"]
    )
    assert 30 < saved["labels"]["toxicity"]["rows"] < 100  # the held-out tenth

    raw = load_scorer(Settings(classifier_model=model))
    calibrated = load_scorer(Settings(classifier_model=model, classifier_calibration_path=str(out)))
    maps, digest = load_calibrations(out, raw.info.id)
    texts = ["you idiot", "thanks for the fix"]
    for before, after in zip(raw.score(texts), calibrated.score(texts), strict=True):
        for label, value in before.items():
            expected = maps[label].apply(np.array([value]))[0] if label in maps else value
            assert after[label] == pytest.approx(expected, abs=1e-6)
    assert calibrated.info.version == f"{raw.info.version}+cal-{digest}"


def test_the_service_refuses_a_file_fitted_on_another_model(tiny, tmp_path) -> None:
    path = tmp_path / "cal.json"
    save_calibrations(path, "detoxify-original", {"toxicity": {"calibration": HALVED}})
    settings = Settings(classifier_model=f"detoxify-checkpoint:{tiny}",
                        classifier_calibration_path=str(path))  # fmt: skip
    with pytest.raises(CalibrationMismatch, match="detoxify-original"):
        load_scorer(settings)
