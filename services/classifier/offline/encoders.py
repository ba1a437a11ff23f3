"""The multilingual model's two encoders, each with its own heads (trained over its vectors).

- `use`: Google's multilingual Universal Sentence Encoder v3 (offline/sentences.py), 16
  languages; of Perspective's and Turkish it reads 14.
- `e5`: multilingual-e5-small (offline/e5.py), about 100 languages; it also reads Czech, Hindi,
  Indonesian and Swedish, which the first does not.

Both cut a post into windows and give one unit vector per window; a head scores each window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from services.classifier.offline.sentences import Windows

HERE = Path(__file__).resolve().parent


class Encoder(Protocol):
    identity: str

    def windows_of(self, texts, most: int = ...) -> Windows: ...

    def encode(self, windows: Windows) -> np.ndarray: ...


@dataclass(frozen=True)
class EncoderKind:
    name: str
    model_id: str  # what every score it makes is signed with
    head_path: Path
    tone_path: Path
    # the languages its head is trained and measured for (make eval-languages), no others
    reads: tuple[str, ...]
    load: Callable[[int], Encoder]


def _use(threads: int) -> Encoder:
    from services.classifier.offline.sentences import SentenceEncoder

    return SentenceEncoder(threads=threads)


def _e5(threads: int) -> Encoder:
    from services.classifier.offline.e5 import E5Encoder

    return E5Encoder(threads=threads)


PERSPECTIVE = ("ar", "cs", "de", "en", "es", "fr", "hi", "id", "it", "ja", "ko", "nl", "pl", "pt")
PERSPECTIVE += ("ru", "sv", "tr", "zh")  # Perspective's languages, and Turkish

ENCODERS = {
    "use": EncoderKind(
        "use", "offline-use-multilingual", HERE / "multilingual_head.npz", HERE / "tone_head.npz",
        ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "tr", "zh"), _use,
    ),
    "e5": EncoderKind(
        "e5", "offline-e5-multilingual", HERE / "e5_head.npz", HERE / "e5_tone_head.npz",
        PERSPECTIVE, _e5,
    ),
}  # fmt: skip
