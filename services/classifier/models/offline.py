"""The offline model: MiniLM-L6 (with the fine-tuned adapter merged in, when the head was trained
over it) embedding + hashed n-grams, with a head trained in this repo."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from services.classifier.offline.adapter import ADAPTER_PATH, Adapter
from services.classifier.offline.features import NgramFeatures, SentenceEncoder, combine
from services.classifier.offline.head import HEAD_PATH, Head
from services.contracts.events import ModelInfo


class OfflineScorer:
    # MiniLM's tokens are about 8x cheaper than bert-base's and n-grams cost per text, so split
    # rounds (nearly) only by size: measured, smaller batches gained nothing here.
    batch_overhead_tokens = 256
    # MiniLM-L6 and its head learnt English only: 0.55 pooled ROC-AUC elsewhere (eval-languages)
    languages = frozenset({"en"})

    def __init__(
        self,
        threads: int,
        batch_size: int = 32,
        runtime: str = "torch",
        head_path: Path = HEAD_PATH,
        streams: int = 1,
        adapter_path: Path = ADAPTER_PATH,
    ) -> None:
        if not head_path.exists():
            raise RuntimeError(
                f"the offline model's head is missing at {head_path}; "
                "train it with `python -m training.train`"
            )
        self.head = Head.load(head_path)
        adapter = adapter_for(self.head.info.get("encoder_adapter"), adapter_path)
        self.encoder = SentenceEncoder(
            threads=threads, batch_size=batch_size, runtime=runtime, streams=streams,
            adapter=adapter, windows=int(self.head.info.get("encoder_windows", 1)),
            pooling=self.head.info.get("encoder_pooling", ["mean"]),
        )  # fmt: skip
        self.ngrams = NgramFeatures()
        self.labels = self.head.labels
        self.info = ModelInfo(
            id="offline-minilm-l6-ngram",
            version=f"{self.head.version}+{self.encoder.identity}+{runtime}",
        )

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        return self.encoder.lengths(texts)

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        features = combine(self.encoder.encode(texts), self.ngrams.transform(texts))
        probabilities = self.head.calibrated(self.head.probabilities(features))
        return [
            {label: round(float(p), 6) for label, p in zip(self.labels, row, strict=True)}
            for row in probabilities
        ]


def adapter_for(digest: str | None, path: Path) -> Adapter | None:
    """The adapter the head was trained over (None: plain MiniLM); a different one is refused,
    since the head's weights only mean something over the embeddings they were fitted on."""
    if digest is None:
        return None
    if not path.exists():
        raise RuntimeError(f"the offline head was trained over adapter {digest}; {path} is missing")
    adapter = Adapter.load(path)
    if adapter.digest != digest:
        raise RuntimeError(
            f"the offline head was trained over adapter {digest}, but {path} is {adapter.digest}; "
            "refit the head with `make train-head`"
        )
    return adapter
