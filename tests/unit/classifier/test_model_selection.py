"""Loading models: Detoxify from a local checkpoint (built here, offline) and CLASSIFIER_MODEL choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.classifier.config import Settings
from services.classifier.models import select
from services.classifier.models.checkpoints import build_checkpoint
from services.classifier.models.detoxify import DetoxifyLoadError, DetoxifyScorer

TEXTS = ["hello there, nice to meet you", "you absolute idiot", "ok"]


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_checkpoint(tmp_path_factory.mktemp("ckpt"), "tiny")


def test_detoxify_loads_a_local_checkpoint_offline(tiny_checkpoint) -> None:
    path, _ = tiny_checkpoint
    scorer = DetoxifyScorer(model_type=None, checkpoint=str(path))
    assert scorer.labels == (
        "toxicity",
        "severe_toxicity",
        "obscene",
        "threat",
        "insult",
        "identity_attack",
    )
    assert scorer.info.id == "detoxify-detoxify-tiny"
    scores = scorer.score(TEXTS)
    assert len(scores) == 3 and all(0.0 <= v <= 1.0 for s in scores for v in s.values())


def test_batched_scores_equal_detoxify_predict_one_at_a_time(tiny_checkpoint) -> None:
    from detoxify import Detoxify

    path, _ = tiny_checkpoint
    naive = Detoxify(checkpoint=str(path))
    batched = DetoxifyScorer(model_type=None, checkpoint=str(path)).score(TEXTS)
    for text, ours in zip(TEXTS, batched, strict=True):
        theirs = naive.predict(text)
        assert max(abs(ours[label] - theirs[label]) for label in ours) < 1e-5


def test_checkpoint_choice_with_a_config_folder(tiny_checkpoint) -> None:
    path, folder = tiny_checkpoint
    settings = Settings(
        classifier_model=f"detoxify-checkpoint:{path}", classifier_hf_config_path=str(folder)
    )
    assert select.load_scorer(settings).labels[0] == "toxicity"


def test_only_detoxifys_labels_are_kept_from_unbiased_classes(tmp_path: Path) -> None:
    classes = ("toxicity", "severe_toxicity", "obscene", "identity_attack", "insult", "threat",
               "sexual_explicit", "male", "female", "muslim")  # fmt: skip
    path, _ = build_checkpoint(tmp_path, "tiny", classes=classes)
    scorer = DetoxifyScorer(model_type=None, checkpoint=str(path))
    assert "sexual_explicit" in scorer.labels and "male" not in scorer.labels
    assert set(scorer.score(["hi"])[0]) == set(scorer.labels)


def test_unknown_detoxify_type_fails_fast_saying_what_to_do() -> None:
    with pytest.raises(DetoxifyLoadError, match="Known types: original"):
        select.load_scorer(Settings(classifier_model="detoxify:huge"))


def test_missing_checkpoint_fails_fast_saying_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DetoxifyLoadError, match="CLASSIFIER_HF_CONFIG_PATH"):
        select.load_scorer(
            Settings(classifier_model=f"detoxify-checkpoint:{tmp_path / 'none.ckpt'}")
        )


def test_an_unknown_choice_is_an_error() -> None:
    with pytest.raises(ValueError, match="not understood"):
        select.load_scorer(Settings(classifier_model="gpt"))


def test_auto_falls_back_to_the_offline_model_with_a_warning(monkeypatch, caplog) -> None:
    def unavailable(*_args, **_kwargs):
        raise DetoxifyLoadError("no network")

    monkeypatch.setattr(select, "_detoxify", unavailable)
    monkeypatch.setattr(select, "_offline", lambda settings: "offline-scorer")
    assert select.load_scorer(Settings(classifier_model="auto")) == "offline-scorer"
    assert "could not be loaded, using the offline model" in caplog.text


@pytest.mark.parametrize(
    ("runtime", "cached"),
    [("onnx-int8", "*.int8pc.onnx"), ("openvino-int8", "*.ov-int8-c*.xml")],
)
def test_fast_runtimes_are_cached_and_stay_close_to_fp32(
    tiny_checkpoint, tmp_path: Path, monkeypatch, runtime: str, cached: str
) -> None:
    from services.classifier.models import onnx

    monkeypatch.setattr(onnx, "CACHE", tmp_path)
    path, _ = tiny_checkpoint
    fp32 = DetoxifyScorer(model_type=None, checkpoint=str(path)).score(TEXTS)
    fast = DetoxifyScorer(model_type=None, checkpoint=str(path), runtime=runtime)
    assert fast.info.version.endswith(f"+{runtime}")
    assert list(tmp_path.glob(cached)), "the export is cached on disk"
    assert all(ir.with_suffix(".bin").exists() for ir in tmp_path.glob("*.xml"))
    for ours, reference in zip(fast.score(TEXTS), fp32, strict=True):
        assert max(abs(ours[k] - reference[k]) for k in reference) < 0.02


@pytest.mark.parametrize("runtime", ["torch", "onnx-int8", "openvino-int8"])
def test_two_streams_score_concurrently_with_the_same_results(
    tiny_checkpoint, tmp_path: Path, monkeypatch, runtime: str
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from services.classifier.models import onnx

    monkeypatch.setattr(onnx, "CACHE", tmp_path)
    path, _ = tiny_checkpoint
    one = DetoxifyScorer(model_type=None, checkpoint=str(path), runtime=runtime, threads=2)
    two = DetoxifyScorer(
        model_type=None, checkpoint=str(path), runtime=runtime, threads=2, streams=2
    )
    batches = [TEXTS[i % 3 :] + TEXTS[: i % 3] for i in range(12)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # as the micro-batcher's two streams do
        concurrent = list(pool.map(two.score, batches))
    for batch, scores in zip(batches, concurrent, strict=True):
        for ours, reference in zip(scores, one.score(batch), strict=True):
            assert max(abs(ours[k] - reference[k]) for k in reference) < 1e-3
