"""The sentiment score of a text: VADER (lexicon and rules, packaged, no network, about 0.1 ms
a post), the compound score in [-1, 1]. The adapter behind `domain.signal`."""

from __future__ import annotations

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


class Sentiment:
    def __init__(self) -> None:
        self.analyzer = SentimentIntensityAnalyzer()

    def score(self, text: str) -> float:
        return float(self.analyzer.polarity_scores(text)["compound"])
