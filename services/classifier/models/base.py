"""The port every toxicity model implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.contracts.events import ModelInfo


class Scorer(Protocol):
    info: ModelInfo
    labels: tuple[str, ...]  # the labels this model can predict; others are reported missing
    # The languages it reads (ISO 639-1): a post in any other gets no scores, never a guess
    languages: frozenset[str]
    # What one more batch costs beyond its padded tokens, in tokens (see scoring.length_buckets)
    batch_overhead_tokens: int

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text, so the batcher can put texts of similar length in one batch."""
        ...

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Probabilities per label for each (already normalized) text. CPU-bound: call off the loop."""
        ...
