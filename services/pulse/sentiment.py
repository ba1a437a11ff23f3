"""The sentiment score of a text: VADER (lexicon and rules, packaged, no network), the compound
score in [-1, 1]. The adapter behind `domain.signal`.

VADER's rules rescan the whole text for every sentiment-laden word (negations, idioms, "but"),
so its cost grows with the square of the words: one post of 20,000 characters of "not bad" or
of emoji once held pulse's event loop for minutes. Here a text is read in passages of at most
`PASSAGE_WORDS` words, each scored by VADER alone, and the compound is their mean weighted by
words: linear in the text's length, and the same answer as VADER's for a post that fits one
passage (most posts do). Emoji become their descriptions first, as VADER would make them, so a
run of emoji is counted in words too. A text of more than `MAX_PASSAGES` passages is read in
that many, spread evenly over it, so the cost of the longest post is bounded as well: a mood
needs the tone of a post, not every word of a 20,000-character one."""

from __future__ import annotations

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

PASSAGE_WORDS = 24  # the rules look at most three words back; 24 keeps most sentences whole
MAX_PASSAGES = 48  # 1,152 words: all of a 6,000-character post of plain prose


class Sentiment:
    def __init__(
        self, passage_words: int = PASSAGE_WORDS, max_passages: int = MAX_PASSAGES
    ) -> None:
        self.analyzer = SentimentIntensityAnalyzer()
        self.passage_words, self.max_passages = passage_words, max_passages

    def score(self, text: str) -> float:
        words = self.words_of(text)
        if len(words) <= self.passage_words:
            return float(self.analyzer.polarity_scores(text)["compound"])
        starts = range(0, len(words), self.passage_words)
        if len(starts) > self.max_passages:
            step = len(starts) / self.max_passages
            starts = [starts[int(i * step)] for i in range(self.max_passages)]
        total, read = 0.0, 0
        for start in starts:
            passage = words[start : start + self.passage_words]
            total += self.analyzer.polarity_scores(" ".join(passage))["compound"] * len(passage)
            read += len(passage)
        return total / read

    def words_of(self, text: str) -> list[str]:
        """The words VADER would read: emoji replaced by their descriptions, then split on
        whitespace (one pass over the characters)."""
        emojis = self.analyzer.emojis
        return "".join(f" {emojis[c]} " if c in emojis else c for c in text).split()
