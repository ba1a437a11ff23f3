"""Sentiment reads a long post in bounded passages: VADER's rules are quadratic in the words
they are given, so no call may get more than one passage, and no post more than the cap."""

from __future__ import annotations

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from services.pulse.sentiment import MAX_PASSAGES, PASSAGE_WORDS, Sentiment


class Counting(SentimentIntensityAnalyzer):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def polarity_scores(self, text: str) -> dict[str, float]:
        self.calls.append(len(text.split()))
        return super().polarity_scores(text)


def counting() -> tuple[Sentiment, Counting]:
    sentiment = Sentiment()
    sentiment.analyzer = Counting()
    return sentiment, sentiment.analyzer


def test_a_short_post_gets_vaders_own_answer() -> None:
    text = "The update is not bad at all, but the battery drain is awful!"
    assert Sentiment().score(text) == SentimentIntensityAnalyzer().polarity_scores(text)["compound"]


def test_no_call_reads_more_than_one_passage() -> None:
    sentiment, analyzer = counting()
    sentiment.score("not bad " * 2_500)
    assert analyzer.calls and max(analyzer.calls) <= PASSAGE_WORDS


def test_emoji_count_as_the_words_they_stand_for() -> None:
    sentiment, analyzer = counting()
    sentiment.score("😀" * 20_000)  # no spaces: one "word" before its emoji are read
    assert max(analyzer.calls) <= PASSAGE_WORDS
    assert sum(analyzer.calls) <= PASSAGE_WORDS * MAX_PASSAGES


def test_a_very_long_post_is_read_in_at_most_the_cap() -> None:
    sentiment, analyzer = counting()
    score = sentiment.score("terrible awful " * 10_000)
    assert len(analyzer.calls) == MAX_PASSAGES
    assert score < -0.5


def test_a_long_post_keeps_its_tone() -> None:
    long_praise = "Thanks for the quick fix, it works great now. " * 200
    long_complaint = "The new update is terrible and the app crashes every time. " * 200
    assert Sentiment().score(long_praise) > 0.5
    assert Sentiment().score(long_complaint) < -0.5
