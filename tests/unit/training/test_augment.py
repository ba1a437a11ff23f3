"""Generated threats for fine-tuning: the same rows every run, labelled, and none of them one
of the plain threats `make eval-offline` checks."""

from __future__ import annotations

import re

from training.augment import lookalikes, threat_rows, threats
from training.evaluate import FIGURES_OF_SPEECH, THREATS


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z']+", text.lower()))


def test_the_draw_is_the_same_every_run_and_has_no_repeats() -> None:
    first, again = threat_rows(300), threat_rows(300)
    assert first.texts == again.texts
    assert len(set(first.texts)) == 600
    assert threat_rows(300, seed=8).texts != first.texts


def test_threats_are_labelled_toxic_threats_and_lookalikes_clean_on_every_label() -> None:
    rows = threat_rows(50)
    assert all(labels == {"toxicity": 1.0, "threat": 1.0} for labels in rows.labels[:50])
    assert all(len(labels) == 6 and not any(labels.values()) for labels in rows.labels[50:])
    assert set(rows.sources) == {"generated_threats"}


def test_no_generated_sentence_contains_a_plain_threat_the_evaluation_checks() -> None:
    # A short one may be part of one ("I will kill you"), as it is of real training rows.
    generated = [_plain(text) for text in threats() + lookalikes()]
    for threat in map(_plain, THREATS):
        assert not any(threat in text for text in generated), threat


def test_no_generated_sentence_is_a_figure_of_speech_the_evaluation_checks() -> None:
    generated = [_plain(text) for text in threats() + lookalikes()]
    for figure in map(_plain, FIGURES_OF_SPEECH):
        assert not any(figure in text or text in figure for text in generated), figure
