"""Which language a post is read as. Pure: the detector is passed in.

- A language the platform states wins (its primary subtag: `pt-BR` is read as `pt`); a stated
  `und` is undetermined without asking the detector (the gateway states it for the sentences
  of a comment that was itself undetermined, so each is read by the same model as the whole).
- A post with fewer than `MIN_LETTERS` letters ("ok", "lol", emoji, digits) is undetermined
  (`und`): a detector only guesses there, and a guess would route the post to a model that
  may not read it. A Chinese, Japanese or Korean character counts as `DENSE_LETTER` letters:
  "我弄死你" (I'll kill you) is four characters, a sentence, and its script alone names a
  language the English model does not read.
- Otherwise the detector's answer, read from the post's first `READ_CHARS` characters (the cost
  stays bounded whatever the length; a mixed post is read as the language it opens in), unless
  its confidence is under `MIN_CONFIDENCE`, which is undetermined too. An undetermined post is
  read by the model: a post is kept from a model only when the detector is sure it is in a
  language the model does not read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from services.contracts.events import UNDETERMINED, Language, LanguageSource
from services.contracts.text import is_language_tag

MIN_LETTERS = 12
DENSE_LETTER = 3  # a Han, kana or Hangul character: about a word's worth
# Code point ranges of Han (and its extension A), Hiragana, Katakana, Hangul syllables and jamo
DENSE_SCRIPTS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x3040, 0x30FF), (0xAC00, 0xD7AF),
                 (0x1100, 0x11FF), (0xF900, 0xFAFF))  # fmt: skip
READ_CHARS = 1_000
MIN_CONFIDENCE = 0.5  # under it, undetermined: the model reads it (see languages.py)
LEGACY = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}


@dataclass(frozen=True)
class Guess:
    code: str
    confidence: float


def primary(tag: str) -> str:
    code = tag.split("-")[0].lower()
    return LEGACY.get(code, code)


def undetermined(confidence: float | None = None) -> Language:
    return Language(code=UNDETERMINED, confidence=confidence, source=LanguageSource.UNDETERMINED)


def letters(text: str) -> int:
    """Letters, a character of a dense script counting as DENSE_LETTER; the vowel signs of
    Indic scripts (combining marks) count too: "कमीने" is five of them, not two."""
    return sum(
        (DENSE_LETTER if any(low <= ord(c) <= high for low, high in DENSE_SCRIPTS) else 1)
        for c in text
        if c.isalpha() or unicodedata.category(c) in ("Mn", "Mc")
    )


def language_of(stated: str | None, text: str, guess: Callable[[str], Guess | None]) -> Language:
    code = primary(stated) if stated and is_language_tag(stated) else None
    if code == UNDETERMINED:
        return undetermined()
    if code is not None:
        return Language(code=code, source=LanguageSource.STATED)
    head = text[:READ_CHARS]
    if letters(head) < MIN_LETTERS:
        return undetermined()
    found = guess(head)
    if found is None or found.confidence < MIN_CONFIDENCE:
        return undetermined(round(found.confidence, 3) if found else None)
    confidence = round(min(1.0, max(0.0, found.confidence)), 3)
    return Language(code=primary(found.code), confidence=confidence, source=LanguageSource.DETECTED)
