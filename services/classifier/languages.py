"""Language identification with the models inside two maintained wheels, nothing downloaded.

Measured on our hand-written set (benchmarks/data/multilingual.jsonl, 216 posts in 18
languages; `make eval-languages`):
- Google's CLD3 (`cld3-py`) alone: 96.3 %, 0.04 CPU-ms a post; it confuses close neighbours
  (es/gl, cs/sk, id/ms) on short posts.
- lingua (`lingua-language-detector`), high accuracy, all 75 languages: 98.6 %, 1 CPU-ms a
  post and 1.2 GB of memory; in low-accuracy mode 93 %.
- Here: CLD3 first; when it is reliable at 0.95 or more on one of the languages it tells
  apart well (Perspective's), its answer stands; otherwise lingua in low-accuracy mode over
  47 languages (Perspective's and their neighbours, so a Slovak or Catalan post is not forced
  into Czech or Spanish) decides. With Malay among them: 97.7 % (every miss an Indonesian post
  read as Malay), 0.06 CPU-ms a post, about 100 MB; without it, see `make eval-languages`.
"""

from __future__ import annotations

import gcld3
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from services.classifier.domain.language import Guess, primary

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
# Malay is left out on purpose: half our Indonesian posts were read as Malay, and the two are
# close enough that a model reading one reads the other.
NEIGHBOURS = (
    "ca sk sl hr bs sr uk bg be da nb nn fi et lt lv hu ro el he fa ur th vi bn ta af tl sw"
)
CLD3_TRUSTED_AT = 0.95


def _lingua_languages() -> list[Language]:
    codes = [*sorted(PERSPECTIVE), *NEIGHBOURS.split()]
    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]


class LanguageIdentifier:
    def __init__(self) -> None:
        self.cld3 = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)
        self.lingua = (
            LanguageDetectorBuilder.from_languages(*_lingua_languages())
            .with_low_accuracy_mode()
            .with_preloaded_language_models()
            .build()
        )

    def guess(self, text: str) -> Guess | None:
        found = self.cld3.FindLanguage(text)
        code = primary(found.language)
        if found.is_reliable and found.probability >= CLD3_TRUSTED_AT and code in PERSPECTIVE:
            return Guess(code, float(found.probability))
        ranked = self.lingua.compute_language_confidence_values(text)
        if not ranked:
            return None
        top = ranked[0]
        return Guess(top.language.iso_code_639_1.name.lower(), float(top.value))
