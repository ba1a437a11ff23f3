"""Language identification with the models inside two maintained wheels, nothing downloaded.

1. Google's CLD3 (`cld3-py`, 0.04 CPU-ms a post) when it is reliable at 0.95 or more on one of
   Perspective's languages.
2. Otherwise lingua (`lingua-language-detector`, high-accuracy mode, built for short text) over
   Perspective's languages and four close neighbours (Slovak, Ukrainian, Romanian, Vietnamese),
   when its top answer has a confidence of 0.5 or more.
3. Otherwise, when CLD3 and lingua name the same language and lingua's lead over its next is
   1.5x, that language, at the chance that one of them is right (as if they erred apart):
   "Tu seras bientôt mort, je te le promets." (lingua fr 0.47, CLD3 fr 0.56, unreliable) is
   French at 0.77; "This is a long but polite comment about the café." (lingua fr 0.40 and
   en 0.32, CLD3 fr 0.52) stays undetermined.
4. Otherwise lingua's top answer if it is at least 0.25 and twice the next one, at its share of
   the two: "Vou cortar sua garganta, seu verme." (pt 0.48, es 0.12) is Portuguese at 0.8.
5. Otherwise CLD3's answer if it is reliable at 0.95 (a language lingua was not given, most in
   scripts of their own: Hebrew, Greek, Thai), else nothing: undetermined.

Why this way, measured on our written set (`make eval-languages`) and on informal English:
- CLD3 alone: 96.3 % of the set; it reads "you stupid worthless idiot, shut up you moron" as
  Zulu and "lol this is so dumb" as Swahili, short Spanish as Galician, Czech as Slovene.
- lingua in low-accuracy mode (100 MB) read that insult as Finnish: an English insult would
  have gone unscored. High-accuracy mode reads it as English; over 22 languages it costs about
  550 MB of memory (all 75 languages: 1.2 GB, and 1 CPU-ms a post).
- The confidence floor of 0.5 leaves ambiguous short posts undetermined ("u r a moron lmao"),
  and an undetermined post is read by the first model (English): a post is only kept from it
  when the detector is sure of its language. Steps 3 and 4 were added once a second model read
  other languages: with the floor alone, 14 posts of the set outside English (5 threats and 6
  obscene posts among them, in Spanish, French, Italian, Portuguese, Dutch and Czech) were
  undetermined and read by the English model.
"""

from __future__ import annotations

import gcld3
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from services.classifier.domain.language import MIN_CONFIDENCE, Guess, primary

PERSPECTIVE = frozenset(
    [
        "ar",
        "zh",
        "cs",
        "nl",
        "en",
        "fr",
        "de",
        "hi",
        "id",
        "it",
        "ja",
        "ko",
        "pl",
        "pt",
        "ru",
        "es",
        "sv",
        "tr",
    ]
)
NEIGHBOURS = ("sk", "uk", "ro", "vi")  # read as Czech, Russian, Italian or Indonesian otherwise
CLD3_TRUSTED_AT = 0.95
AGREED_LEAD = 1.5  # lingua's top over its next, when CLD3 names the same language
CLEAR_LEAD_FLOOR = 0.25  # lingua's top answer, when it is at least twice the next


def _lingua_languages() -> list[Language]:
    codes = [*sorted(PERSPECTIVE), *NEIGHBOURS]
    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]


class LanguageIdentifier:
    def __init__(self) -> None:
        self.cld3 = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)
        self.lingua = (
            LanguageDetectorBuilder.from_languages(*_lingua_languages())
            .with_preloaded_language_models()
            .build()
        )

    def guess(self, text: str) -> Guess | None:
        found = self.cld3.FindLanguage(text)
        cld3 = Guess(primary(found.language), float(found.probability))
        sure = found.is_reliable and cld3.confidence >= CLD3_TRUSTED_AT
        if sure and cld3.code in PERSPECTIVE:
            return cld3
        ranked = [
            Guess(r.language.iso_code_639_1.name.lower(), float(r.value))
            for r in self.lingua.compute_language_confidence_values(text)[:2]
        ]
        return decide(cld3, sure, ranked)


def decide(cld3: Guess, cld3_sure: bool, ranked: list[Guess]) -> Guess | None:
    """Steps 2 to 5 above, given CLD3's answer and lingua's two best."""
    if not ranked:
        return cld3 if cld3_sure else None
    top = ranked[0]
    second = ranked[1].confidence if len(ranked) > 1 else 0.0
    if top.confidence >= MIN_CONFIDENCE:
        return top
    if top.code == cld3.code and top.confidence >= AGREED_LEAD * second:
        return Guess(top.code, 1 - (1 - top.confidence) * (1 - cld3.confidence))
    if top.confidence >= CLEAR_LEAD_FLOOR and top.confidence >= 2 * second:
        return Guess(top.code, top.confidence / (top.confidence + second))
    return cld3 if cld3_sure else top
