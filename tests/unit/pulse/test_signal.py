"""Tone, toxicity and civil criticism, apart."""

from __future__ import annotations

from services.pulse.domain.signal import Tone, signal_of, tone_of
from services.pulse.sentiment import Sentiment


def test_tone_has_a_neutral_band() -> None:
    assert [tone_of(s) for s in (-0.5, -0.05, 0.0, 0.04, 0.05, 0.9)] == [
        Tone.NEGATIVE,
        Tone.NEGATIVE,
        Tone.NEUTRAL,
        Tone.NEUTRAL,
        Tone.POSITIVE,
        Tone.POSITIVE,
    ]


def test_a_bad_review_is_civil_criticism_and_abuse_is_not() -> None:
    review = signal_of(-0.48, {"toxicity": 0.08, "insult": 0.02})
    abuse = signal_of(-0.51, {"toxicity": 0.97, "insult": 0.95})
    assert review.civil_negative and review.negative and not review.toxic
    assert abuse.toxic and abuse.negative and not abuse.civil_negative


def test_toxic_but_upbeat_still_counts_as_negative() -> None:
    upbeat = signal_of(0.6, {"threat": 0.8})
    assert upbeat.tone is Tone.POSITIVE and upbeat.negative and not upbeat.civil_negative


def test_missing_labels_are_not_toxic() -> None:
    assert not signal_of(0.0, {}).toxic


def test_vader_reads_a_complaint_a_thanks_and_a_question() -> None:
    sentiment = Sentiment()
    complaint = sentiment.score("The new update is terrible, the app crashes every time.")
    thanks = sentiment.score("Thanks for the quick fix, works great now!")
    question = sentiment.score("When does the next release ship?")
    assert tone_of(complaint) is Tone.NEGATIVE
    assert tone_of(thanks) is Tone.POSITIVE
    assert tone_of(question) is Tone.NEUTRAL
