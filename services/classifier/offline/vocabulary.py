"""Whole words of the encoder's WordPiece vocabulary: the dictionary for collapsing letter runs."""

from __future__ import annotations

from functools import cache

from services.classifier.offline.features import encoder_dir


@cache
def known_words() -> frozenset[str]:
    lines = (encoder_dir() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w.isalpha() and not w.startswith("##") and len(w) > 1)
