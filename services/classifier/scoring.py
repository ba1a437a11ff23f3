"""Pure helpers for scoring batches: bucketing by length and isolating texts a model chokes on."""

from __future__ import annotations

from collections.abc import Callable, Sequence

ScoreFn = Callable[[Sequence[str]], list[dict[str, float]]]
LengthFn = Callable[[Sequence[str]], list[int]]


def char_lengths(texts: Sequence[str]) -> list[int]:
    return [len(text) for text in texts]


class Unscorable(Exception):
    """The model raised on this particular text."""


def length_buckets(lengths: Sequence[int], size: int) -> list[list[int]]:
    """Indices grouped into batches of similar (token) length, so padding stays small."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
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
