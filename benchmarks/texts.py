"""The posts the benchmarks send: a mix of civil, critical and abusive, numbered so no two are
the same text."""

from __future__ import annotations

TEXTS = [
    "Thanks for the quick fix, the app works great now and I can finally export my photos.",
    "This update is terrible, I want a refund. The sync has been broken for three days.",
    "You are a complete idiot and nobody here wants you around, just leave.",
    "Does anyone know when the next release ships? I'm waiting on the calendar integration.",
    "lol what a clown, go back to whatever hole you crawled out of",
    "Great write-up. One question: does the new API still support pagination with cursors?",
]


def post_text(i: int) -> str:
    return f"{TEXTS[i % len(TEXTS)]} #{i}"
