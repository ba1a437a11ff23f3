"""CLASSIFIER_MODEL -> a loaded Scorer."""

from __future__ import annotations

import logging

from services.classifier.config import Settings
from services.classifier.models.base import Scorer

log = logging.getLogger(__name__)


def load_scorer(settings: Settings) -> Scorer:
    choice = settings.classifier_model.strip()
    if choice in ("offline", "auto"):
        # Detoxify's weights live on GitHub releases; until the detoxify loaders land `auto`
        # means the offline model.
        from services.classifier.models.offline import OfflineScorer

        if choice == "auto":
            log.warning("CLASSIFIER_MODEL=auto: using the offline model")
        return OfflineScorer(
            threads=settings.classifier_threads, batch_size=settings.classifier_max_batch
        )
    raise ValueError(
        f"unknown CLASSIFIER_MODEL {choice!r}; use auto, offline, detoxify:<type> or detoxify-checkpoint:<path>"
    )
