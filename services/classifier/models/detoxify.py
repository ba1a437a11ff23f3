"""Detoxify's models, used for real: the five published types or a local checkpoint.

The scoring path is Detoxify's own model and tokenizer, fed length-bucketed batches under
`torch.inference_mode()`; Detoxify's own `predict` pads every text to the longest one of the call.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from services.classifier.domain.scoring import BATCH_OVERHEAD_TOKENS
from services.classifier.models.tokens import SharedTokenizer
from services.contracts.events import LABELS, ModelInfo

MODEL_TYPES = ("original", "unbiased", "multilingual", "original-small", "unbiased-small")
MAX_TOKENS = 512


class DetoxifyLoadError(RuntimeError):
    pass


def cached_weights(model_type: str) -> Path | None:
    """Where torch.hub keeps Detoxify's download for this type, if it is there already."""
    from detoxify.detoxify import MODEL_URLS

    path = Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(MODEL_URLS[model_type])
    return path if path.exists() else None


def _hint(model_type: str | None) -> str:
    return (
        "Detoxify fetches its weights from GitHub releases and its config and tokenizer from the "
        "Hugging Face hub on first use. Without network access, copy the checkpoint (.ckpt) and a "
        "folder with the model's config.json and tokenizer files onto this machine and set "
        "CLASSIFIER_MODEL=detoxify-checkpoint:/path/to/file.ckpt with "
        "CLASSIFIER_HF_CONFIG_PATH=/path/to/folder, or use CLASSIFIER_MODEL=offline."
        + (
            ""
            if model_type in MODEL_TYPES or model_type is None
            else f" Known types: {', '.join(MODEL_TYPES)}."
        )
    )


# What each Detoxify model was trained to read (its README); a checkpoint of unknown type is
# taken as English, the language of the original Jigsaw data.
LANGUAGES = {"multilingual": frozenset({"en", "fr", "es", "it", "pt", "tr", "ru"})}
ENGLISH = frozenset({"en"})


class DetoxifyScorer:
    batch_overhead_tokens = BATCH_OVERHEAD_TOKENS

    def __init__(
        self,
        model_type: str | None = "original",
        checkpoint: str | None = None,
        device: str = "cpu",
        threads: int | None = None,
        hf_config_path: str | None = None,
        batch_size: int = 32,
        runtime: str = "torch",
        streams: int = 1,
    ) -> None:
        from detoxify import Detoxify

        if checkpoint is None and model_type not in MODEL_TYPES:
            raise DetoxifyLoadError(
                f"unknown Detoxify model type {model_type!r}. {_hint(model_type)}"
            )
        self.languages = LANGUAGES.get(model_type or "original", ENGLISH)
        threads = threads or torch.get_num_threads()
        try:
            detoxify = Detoxify(
                model_type=model_type or "original",
                checkpoint=checkpoint,
                device=device,
                huggingface_config_path=hf_config_path,
            )
        except Exception as error:
            what = f"checkpoint {checkpoint}" if checkpoint else f"model type {model_type!r}"
            raise DetoxifyLoadError(
                f"could not load Detoxify {what}: {error}. {_hint(model_type)}"
            ) from error
        self.model = detoxify.model.eval()
        self.tokenizer = SharedTokenizer(detoxify.tokenizer)
        self.device = device
        self.batch_size = batch_size
        # Detoxify's class names, with ours picked out; identity subgroups of `unbiased` are dropped.
        self.columns = [(i, name) for i, name in enumerate(detoxify.class_names) if name in LABELS]
        self.labels = tuple(name for _, name in self.columns)
        name = Path(checkpoint).stem if checkpoint else model_type
        self.info = ModelInfo(id=f"detoxify-{name}", version=f"{_detoxify_version()}+{runtime}")
        from services.classifier.models.onnx import compiled

        self._fast = compiled(
            self.model, f"detoxify-{name}", runtime, threads, self.encode, streams
        )

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        encoded = self.tokenizer(list(texts), truncation=True, max_length=MAX_TOKENS)
        return [len(ids) for ids in encoded["input_ids"]]

    def encode(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Token arrays for one batch, padded to its longest text."""
        return dict(
            self.tokenizer(
                list(texts),
                return_tensors="np",
                truncation=True,
                max_length=MAX_TOKENS,
                padding=True,
            )
        )

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        encoded = self.encode(texts)
        if self._fast is not None:
            return self._fast(encoded)
        with torch.inference_mode():
            batch = {k: torch.from_numpy(v).to(self.device) for k, v in encoded.items()}
            return self.model(**batch)[0].float().cpu().numpy()

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        probabilities = 1.0 / (1.0 + np.exp(-self.logits(texts)))
        return [
            {name: round(float(row[i]), 6) for i, name in self.columns} for row in probabilities
        ]


def _detoxify_version() -> str:
    from importlib.metadata import version

    return version("detoxify")
