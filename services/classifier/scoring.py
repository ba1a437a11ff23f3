"""Pure helpers for scoring batches: bucketing by length and isolating texts a model chokes on."""

from __future__ import annotations

from collections.abc import Callable, Sequence

ScoreFn = Callable[[Sequence[str]], list[dict[str, float]]]


class Unscorable(Exception):
    """The model raised on this particular text."""


def length_buckets(texts: Sequence[str], size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, so padding stays small."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[i : i + size] for i in range(0, len(order), size)]


def score_isolating_failures(
    score: ScoreFn, texts: Sequence[str]
) -> list[dict[str, float] | Unscorable]:
    """Score a batch; if the model raises, retry one text at a time so only the bad ones fail."""
    try:
        return list(score(texts))
    except Exception:
        if len(texts) == 1:
            raise
    results: list[dict[str, float] | Unscorable] = []
    for text in texts:
        try:
            results.extend(score([text]))
        except Exception as error:
            results.append(Unscorable(f"{type(error).__name__}: {error}"))
    return results
