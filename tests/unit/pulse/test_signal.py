"""Tone, toxicity and civil criticism, apart."""

from __future__ import annotations

from services.contracts.events import Tone as ReadTone
from services.pulse.domain.mood import counts_of
from services.pulse.domain.signal import Tone, lexicon_reads, signal_of, signal_read, tone_of
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


def test_the_classifiers_tone_is_the_likeliest_of_three() -> None:
    assert signal_read(ReadTone(negative=0.6, positive=0.1), {}).tone is Tone.NEGATIVE
    assert signal_read(ReadTone(negative=0.3, positive=0.5), {}).tone is Tone.POSITIVE
    calm = signal_read(ReadTone(negative=0.3, positive=0.2), {})  # neutral 0.5
    assert calm.tone is Tone.NEUTRAL and calm.sentiment == -0.1
    review = signal_read(ReadTone(negative=0.7, positive=0.1), {"toxicity": 0.1})
    assert review.civil_negative and not review.toxic


def test_an_unread_tone_is_no_tone_and_never_negative() -> None:
    unread = signal_of(None, {"toxicity": 0.1})
    assert unread.tone is None and unread.sentiment is None
    assert not unread.negative and not unread.civil_negative
    assert counts_of(unread) == {"volume": 1, "tone_unread": 1}
    assert signal_of(None, {"toxicity": 0.9}).negative  # toxic still counts


def test_the_lexicon_reads_english_undetermined_and_older_posts_only() -> None:
    assert [lexicon_reads(code) for code in ("en", "en-GB", "und", None, "de", "ja")] == [
        True, True, True, True, False, False,
    ]  # fmt: skip
