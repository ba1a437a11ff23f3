"""What one post says about a community's mood: its tone (negative, neutral, positive), whether
it is toxic (from the classifier's scores), and whether it is civil criticism: negative in tone
but not toxic, a bad review to carry to the product team, never a moderation matter. Pure.

The tone comes from the classifier where its model reads tone (the multilingual model, in every
language it reads), else from pulse's English lexicon for English and for posts of no language
told (emoji, "lol"). A post in another language with no tone read has no tone: it counts as
toxic or not, never as negative in tone, and its window says how many such posts it had."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.contracts.events import Tone as ReadTone

TOXIC_LABELS = ("toxicity", "severe_toxicity", "insult", "threat", "identity_attack")


class Tone(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


LEXICON_READS = frozenset({"en", "und"})  # and posts from before languages (no language)


@dataclass(frozen=True)
class Signal:
    tone: Tone | None  # None: nothing read it
    sentiment: float | None  # -1 (most negative) .. 1
    toxic: bool

    @property
    def civil_negative(self) -> bool:
        return self.tone is Tone.NEGATIVE and not self.toxic

    @property
    def negative(self) -> bool:
        """What a negativity wave counts: toxic, or negative in tone."""
        return self.toxic or self.tone is Tone.NEGATIVE


def tone_of(sentiment: float, cutoff: float = 0.05) -> Tone:
    """VADER's customary cut-offs: within ±0.05 of zero is neutral."""
    if sentiment <= -cutoff:
        return Tone.NEGATIVE
    return Tone.POSITIVE if sentiment >= cutoff else Tone.NEUTRAL


def toxic(scores: dict[str, float], toxic_at: float = 0.5) -> bool:
    return any(scores.get(label, 0.0) >= toxic_at for label in TOXIC_LABELS)


def signal_of(sentiment: float | None, scores: dict[str, float]) -> Signal:
    """From the lexicon's sentiment; None when it was not read."""
    if sentiment is None:
        return Signal(None, None, toxic(scores))
    return Signal(tone_of(sentiment), round(sentiment, 4), toxic(scores))


def signal_read(tone: ReadTone, scores: dict[str, float]) -> Signal:
    """From the tone the classifier's model read: the likeliest of the three, and as a
    sentiment, positive less negative."""
    return Signal(Tone(tone.likeliest), round(tone.positive - tone.negative, 4), toxic(scores))


def lexicon_reads(language: str | None) -> bool:
    """Whether pulse's English lexicon reads a post of this language (None: an event from
    before languages, read as it always was)."""
    return language is None or language.split("-")[0].lower() in LEXICON_READS
