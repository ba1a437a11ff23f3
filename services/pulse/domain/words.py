"""The words of a post, read in its language, for themes. Pure.

- Letters, marks and digits make words (`regex`'s Unicode classes: Python's `\\w` leaves out
  the vowel signs of Devanagari, so it would cut Hindi words apart).
- Chinese has no spaces: jieba (`rjieba`, its Rust port) cuts it into words.
- Japanese has no spaces either, but its scripts mark its words well enough for themes: runs of
  kanji and of katakana are the content words ("返金", "ダークモード"), hiragana carries the
  grammar between them. A dictionary segmenter (MeCab with UniDic, 47 MB) would cut compounds
  finer; a theme wants them whole.
- Stop words per language from `stopwordsiso`; English keeps the list written here, which also
  drops the words of complaints that name no subject ("want", "need", "thing").
- Each step is linear in the text's length.
"""

from __future__ import annotations

from functools import cache

import regex
import rjieba
import stopwordsiso

_ENGLISH_STOP = """a about above after again against all am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't do
    does doesn't doing don't down during each even ever every few for from further get gets got
    had hadn't has hasn't have haven't having he her here hers herself him himself his how i
    i'm i've if in into is isn't it it's its itself just let's like me more most much must my
    myself no nor not now of off on once only or other ought our ours ourselves out over own
    really same she should shouldn't so some still such than that that's the their theirs them
    themselves then there there's these they they're this those through to too under until up
    us very was wasn't we we're were weren't what what's when where which while who whom why
    will with won't would wouldn't you you're your yours yourself yourselves also again
    anyone anything please thanks thank since one two yet ok okay lol im ive dont cant wont
    want wanted need needs way thing things lot bit time make made back going go gone"""
ENGLISH_STOP_WORDS = frozenset(_ENGLISH_STOP.split())
UNSPACED = frozenset({"zh", "ja"})  # written without spaces: phrases are shown unspaced

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}]+)?")
# Japanese: a run of kanji (with 々), of katakana (with ー), of another script's letters, or
# of what breaks a phrase (hiragana, punctuation)
_JAPANESE = regex.compile(
    r"[\p{Han}々]+|[\p{Katakana}ー]+|[\p{Hiragana}\p{P}]+"
    r"|[[\p{L}\p{N}]--[\p{Han}\p{Hiragana}\p{Katakana}]]+",
    regex.V1,
)
_BREAK = regex.compile(r"[\p{Hiragana}\p{P}]+")


def base(language: str | None) -> str | None:
    """`pt-BR` reads as `pt`; `und` as no language."""
    if not language or language == "und":
        return None
    return language.split("-")[0].lower()


def stop_words(language: str | None) -> frozenset[str]:
    return stop_words_of(base(language))


@cache  # one entry per language stopwordsiso knows, whatever tags platforms state
def stop_words_of(code: str | None) -> frozenset[str]:
    if code in (None, "en"):
        return ENGLISH_STOP_WORDS
    if not stopwordsiso.has_lang(code):
        return frozenset()
    return frozenset(word.casefold() for word in stopwordsiso.stopwords(code))


def words_of(text: str, language: str | None = None) -> list[str]:
    code = base(language)
    lowered = text.casefold()
    if code == "zh":
        return [word for word in rjieba.cut(lowered) if _WORD.fullmatch(word)]
    if code == "ja":
        # hiragana and punctuation break a run of content words, and are never one
        return ["" if _BREAK.fullmatch(word) else word for word in _JAPANESE.findall(lowered)]
    return [word.replace("\u2019", "'") for word in _WORD.findall(lowered)]


def joined(phrase: str, language: str | None) -> str:
    """A phrase as its language writes it: Chinese and Japanese without spaces."""
    return phrase.replace(" ", "") if base(language) in UNSPACED else phrase
