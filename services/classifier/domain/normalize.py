"""Evasion-resistant normalization: the classifier scores a normalized copy, the original is kept.

Each rule is its own function so it can be tested alone. None of them lower-cases or touches
ordinary words: "Scunthorpe", "assess" and "therapist" come out unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection

# Zero-width, joiners, bidi marks, soft hyphen and other format characters (category Cf) vanish;
# control characters (Cc) other than ordinary whitespace become a space.
_KEEP_CONTROLS = {"\n", "\t", "\r"}

# Cyrillic and Greek letters drawn like Latin ones.
HOMOGLYPHS: dict[str, str] = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ɡ": "g", "һ": "h", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip

# Digits and symbols used as letters, applied only inside words that also have real letters.
LEET: dict[str, str] = {
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t", "€": "e",
}  # fmt: skip

_WORD = re.compile(r"\S+")
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")
_SPACED_LETTERS = re.compile(r"(?<!\w)[^\W\d_]([ .\-_*])(?:[^\W\d_]\1)+[^\W\d_](?!\w)")
_ONE_LETTER_WORDS = {"a", "A", "I"}


def strip_invisible(text: str) -> str:
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        out.append(" " if category == "Cc" and char not in _KEEP_CONTROLS else char)
    return "".join(out)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def map_homoglyphs(text: str) -> str:
    """Map look-alikes inside words that also hold Latin letters, or everywhere in Latin text.

    Genuine Cyrillic or Greek text (no Latin letters around) is left alone.
    """
    letters = [c for c in text if c.isalpha()]
    latin_share = sum(map(_is_latin_letter, letters)) / len(letters) if letters else 0.0
    if latin_share >= 0.5:
        return "".join(HOMOGLYPHS.get(c, c) for c in text)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if any(map(_is_latin_letter, word)):
            return "".join(HOMOGLYPHS.get(c, c) for c in word)
        return word

    return _WORD.sub(fix, text)


def _unleet_word(word: str) -> str:
    core = word.strip(".,;:?!\"'()[]{}")
    if not core or not any(c.isalpha() for c in core) or core.startswith(("@", "#", "http")):
        return word
    if not any(c in LEET for c in core):
        return word
    start = word.index(core)
    fixed = "".join(LEET.get(c, c) for c in core)
    return word[:start] + fixed + word[start + len(core) :]


def undo_leetspeak(text: str) -> str:
    """'1d10t' -> 'idiot', 'sh!t' -> 'shit'; plain numbers, prices, @mentions and #tags stay."""
    return _WORD.sub(lambda m: _unleet_word(m.group(0)), text)


def collapse_letter_runs(text: str, known_words: Collection[str] = ()) -> str:
    """'stuuuupid' -> 'stupid', 'goooood' -> 'good'.

    Runs of three or more of the same letter shrink to two; where a vocabulary is given and the
    two-letter form is not a word but the one-letter form is, to one.
    """

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        doubled = _LETTER_RUN.sub(r"\1\1", word)
        if not known_words or doubled.lower() in known_words:
            return doubled
        single = _LETTER_RUN.sub(r"\1", word)
        return single if single.lower() in known_words else doubled

    return re.sub(r"\w+", fix, text)


def join_spaced_letters(text: str) -> str:
    """'s t u p i d' or 'i.d.i.o.t' -> 'stupid' / 'idiot' (three or more single letters, one
    separator). A leading 'a' or 'I' stays a word of its own: 'a s t u p i d' -> 'a stupid'."""

    def join(match: re.Match[str]) -> str:
        letters = match.group(0).split(match.group(1))
        if len(letters) >= 4 and letters[0] in _ONE_LETTER_WORDS:
            return letters[0] + " " + "".join(letters[1:])
        return "".join(letters)

    return _SPACED_LETTERS.sub(join, text)


def _squeeze_spaces(text: str) -> str:
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def make_normalizer(known_words: Collection[str] = ()) -> Callable[[str], str]:
    """The full pipeline, in an order where each rule sees the output of the one before."""

    def normalize(text: str) -> str:
        text = strip_invisible(text)
        text = nfkc(text)
        text = map_homoglyphs(text)
        text = join_spaced_letters(text)
        text = undo_leetspeak(text)
        text = collapse_letter_runs(text, known_words)
        return _squeeze_spaces(text)

    return normalize
