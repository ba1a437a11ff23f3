"""What one post says about a community's mood: its tone (negative, neutral, positive, from a
sentiment score in [-1, 1]), whether it is toxic (from the classifier's scores), and whether it
is civil criticism: negative in tone but not toxic, a bad review to carry to the product team,
never a moderation matter. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

TOXIC_LABELS = ("toxicity", "severe_toxicity", "insult", "threat", "identity_attack")


class Tone(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


@dataclass(frozen=True)
class Signal:
    tone: Tone
    sentiment: float  # -1 (most negative) .. 1
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


def signal_of(sentiment: float, scores: dict[str, float], toxic_at: float = 0.5) -> Signal:
    toxic = any(scores.get(label, 0.0) >= toxic_at for label in TOXIC_LABELS)
    return Signal(tone_of(sentiment), round(sentiment, 4), toxic)
