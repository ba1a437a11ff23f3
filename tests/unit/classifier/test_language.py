"""Which language a post is read as: stated wins, short posts are undetermined, the detector
decides the rest; and the packaged detectors tell Perspective's languages apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.classifier.domain.language import Guess, language_of
from services.classifier.languages import LanguageIdentifier
from services.contracts.text import is_language_tag

SET = Path(__file__).parents[3] / "benchmarks" / "data" / "multilingual.jsonl"


def never(text: str) -> Guess:
    raise AssertionError("the detector was asked")


def test_a_stated_language_wins_by_its_primary_subtag() -> None:
    found = language_of("pt-BR", "Ich weiß, wo du wohnst.", never)
    assert (found.code, found.source, found.confidence) == ("pt", "stated", None)


def test_a_stated_und_is_undetermined_without_asking_the_detector() -> None:
    found = language_of("und", "Merci beaucoup! It works perfectly now.", never)
    assert (found.code, found.source) == ("und", "undetermined")


def test_legacy_codes_are_read_as_todays() -> None:
    assert language_of("iw", "x", never).code == "he"
    assert language_of(None, "a long enough text here", lambda _: Guess("in", 0.9)).code == "id"


@pytest.mark.parametrize("text", ["ok", "lol 😂😂😂", "12345 67890 !!!", "👍" * 50, "   "])
def test_a_post_with_few_letters_is_undetermined(text: str) -> None:
    found = language_of(None, text, never)
    assert (found.code, found.source) == ("und", "undetermined")


@pytest.mark.parametrize("text", ["我弄死你。", "ぶっ殺す", "죽여 버린다"])
def test_a_few_characters_of_a_dense_script_are_enough_to_ask(text: str) -> None:
    """Four Han characters are a sentence: counted as letters one by one, the post would be
    undetermined and go to the English model."""
    assert language_of(None, text, lambda _: Guess("zh", 0.9)).code == "zh"


def test_an_unsure_detector_is_undetermined() -> None:
    found = language_of(None, "some words that could be anything", lambda _: Guess("nl", 0.2))
    assert (found.code, found.confidence) == ("und", 0.2)


def test_the_detector_reads_a_bounded_head_of_the_post() -> None:
    seen: list[int] = []
    language_of(None, "word " * 10_000, lambda t: seen.append(len(t)) or Guess("en", 1.0))
    assert seen == [1_000]


@pytest.mark.parametrize("tag", ["de", "pt-BR", "zh-Hant-TW", "fil"])
def test_language_tags(tag: str) -> None:
    assert is_language_tag(tag)


@pytest.mark.parametrize("tag", ["german", "d", "de_DE", "12", "de-", ""])
def test_not_language_tags(tag: str) -> None:
    assert not is_language_tag(tag)


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def test_the_packaged_detectors_read_our_written_set(identifier: LanguageIdentifier) -> None:
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
    right = sum(language_of(None, r["text"], identifier.guess).code == r["lang"] for r in rows)
    assert right / len(rows) >= 0.97


def test_a_language_outside_perspectives_is_named_not_forced(identifier) -> None:
    assert (
        language_of(None, "Xin chào, bạn khỏe không? Rất vui được gặp bạn.", identifier.guess).code
        == "vi"
    )
    assert (
        language_of(
            None, "Dobrý deň, ako sa máte? Ďakujem, mám sa veľmi dobre.", identifier.guess
        ).code
        == "sk"
    )


@pytest.mark.parametrize(
    "text",
    [
        "you stupid worthless idiot, shut up you moron",
        "you are all clowns quarantine",
        "lol this is so dumb",
        "u r a moron lmao",
        "omg ur so dumb lmao gtfo",
        "what the hell is this crap",
        "This is a long but polite comment about the café.",
    ],
)
def test_informal_english_is_english_or_undetermined_never_another_language(
    identifier: LanguageIdentifier, text: str
) -> None:
    """Read as another language, an English insult would go unscored."""
    assert language_of(None, text, identifier.guess).code in ("en", "und")
