"""CLASSIFIER_MODEL -> a loaded Scorer.

offline                       the model trained in this repo (no network, ever)
detoxify:<type>               Detoxify original | unbiased | multilingual | original-small | unbiased-small
detoxify-checkpoint:<path>    a local Detoxify .ckpt (+ CLASSIFIER_HF_CONFIG_PATH for air-gapped sites)
auto                          Detoxify original if it loads (cached or downloadable), else offline
offline-multilingual          the multilingual model trained in this repo over Google's Universal
                              Sentence Encoder (14 of Perspective's languages and Turkish)
offline-multilingual-e5       the same over multilingual-e5-small (all 18; no network for either)

CLASSIFIER_LANGUAGE_MODELS: the models that read, in this order, the languages CLASSIFIER_MODEL
does not (comma-separated, same names; `none` for none); see models/routes.py.

CLASSIFIER_CALIBRATION_PATH: per-label calibrations fitted on the chosen model
(python -m training.calibrate_model); refused if fitted on another model.
"""

from __future__ import annotations

import logging
from pathlib import Path

from services.classifier.config import Settings
from services.classifier.models.base import Scorer
from services.classifier.models.calibrated import CalibratedScorer, load_calibrations
from services.classifier.models.routes import Routes

log = logging.getLogger(__name__)


def runtime(settings: Settings) -> str:
    """auto: plain torch on a GPU, int8 ONNX Runtime on a CPU.

    OpenVINO bf16 (`openvino-bf16`) measured faster and closer to fp32 on an AMX CPU when the
    classifier had the machine to itself, but its worker threads starved the other services when
    they shared two cores (100 posts/s: p50 5 s instead of 0.26 s), so it is opt-in for
    dedicated classifier nodes.
    """
    if settings.classifier_runtime != "auto":
        return settings.classifier_runtime
    return "torch" if settings.classifier_device != "cpu" else "onnx-int8"


def _offline(settings: Settings) -> Scorer:
    from services.classifier.models.offline import OfflineScorer

    return OfflineScorer(
        threads=settings.classifier_threads,
        batch_size=settings.classifier_max_batch,
        runtime=runtime(settings),
        streams=settings.classifier_streams,
    )


def _detoxify(settings: Settings, model_type: str | None, checkpoint: str | None = None) -> Scorer:
    from services.classifier.models.detoxify import DetoxifyScorer

    return DetoxifyScorer(
        model_type=model_type,
        checkpoint=checkpoint,
        device=settings.classifier_device,
        threads=settings.classifier_threads,
        hf_config_path=settings.classifier_hf_config_path,
        batch_size=settings.classifier_max_batch,
        runtime=runtime(settings),
        streams=settings.classifier_streams,
    )


def _multilingual(settings: Settings, encoder: str) -> Scorer:
    from services.classifier.models.multilingual import MultilingualScorer

    return MultilingualScorer(threads=settings.classifier_threads, encoder=encoder)


def language_models(settings: Settings) -> list[str]:
    named = [name.strip() for name in settings.classifier_language_models.split(",")]
    return [name for name in named if name and name != "none"]


def load_routes(settings: Settings) -> Routes:
    """CLASSIFIER_MODEL first, then each of CLASSIFIER_LANGUAGE_MODELS."""
    extra = [_model(settings, name) for name in language_models(settings)]
    return Routes((load_scorer(settings), *extra))


def load_scorer(settings: Settings) -> Scorer:
    """The chosen model, its scores mapped through CLASSIFIER_CALIBRATION_PATH when set."""
    model = _model(settings, settings.classifier_model)
    if not settings.classifier_calibration_path:
        return model
    calibrations, digest = load_calibrations(
        Path(settings.classifier_calibration_path), model.info.id
    )
    return CalibratedScorer(model, calibrations, digest)


def _model(settings: Settings, choice: str) -> Scorer:
    choice = choice.strip()
    kind, _, argument = choice.partition(":")
    if choice == "offline":
        return _offline(settings)
    if choice == "offline-multilingual":
        return _multilingual(settings, "use")
    if choice == "offline-multilingual-e5":
        return _multilingual(settings, "e5")
    if choice == "auto":
        from services.classifier.models.detoxify import DetoxifyLoadError

        try:
            return _detoxify(settings, "original")
        except DetoxifyLoadError as error:
            log.warning(
                "CLASSIFIER_MODEL=auto: Detoxify 'original' could not be loaded, using the offline model",
                extra={"reason": str(error)[:500]},
            )
            return _offline(settings)
    if kind == "detoxify" and argument:
        return _detoxify(settings, argument)
    if kind == "detoxify-checkpoint" and argument:
        return _detoxify(settings, None, checkpoint=argument)
    raise ValueError(
        f"model {choice!r} is not understood; use auto, offline, offline-multilingual[-e5], "
        "detoxify:<type> or detoxify-checkpoint:<path>"
    )
