from __future__ import annotations

import pytest

from services.classifier.domain.normalize import (
    collapse_letter_runs,
    join_spaced_letters,
    make_normalizer,
    map_homoglyphs,
    nfkc,
    strip_invisible,
    undo_leetspeak,
)

WORDS = {"stupid", "good", "idiot", "loser", "so"}
normalize = make_normalizer(WORDS)


def test_zero_width_and_format_characters_vanish() -> None:
    assert strip_invisible("id\u200biot\u200d\u2060!\ufeff") == "idiot!"


def test_control_characters_become_spaces_but_newlines_stay() -> None:
    assert strip_invisible("a\x00b\x07c\nd\te") == "a b c\nd\te"


def test_nfkc_folds_fullwidth_and_compatibility_forms() -> None:
    assert nfkc("ｉｄｉｏｔ ①") == "idiot 1"


def test_cyrillic_lookalikes_inside_latin_words_are_mapped() -> None:
    assert map_homoglyphs("іdіоt") == "idiot"  # Cyrillic і and о
    assert map_homoglyphs("you are an іdiоt") == "you are an idiot"


def test_greek_lookalikes_are_mapped_in_latin_text() -> None:
    assert map_homoglyphs("ιdιοt loser") == "idiot loser"


def test_genuine_cyrillic_text_is_left_alone() -> None:
    assert map_homoglyphs("Привет, как дела?") == "Привет, как дела?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1d10t", "idiot"),
        ("sh!t", "shit"),
        ("l0s3r!", "loser!"),
        ("@ss", "@ss"),
        ("$tupid", "stupid"),
    ],
)
def test_leetspeak_inside_words_is_undone(text: str, expected: str) -> None:
    assert undo_leetspeak(text) == expected


@pytest.mark.parametrize("text", ["2024", "$100", "call 555-1234", "@user42 hi", "#tag1", "3.14"])
def test_numbers_prices_mentions_and_tags_are_not_leetspeak(text: str) -> None:
    assert undo_leetspeak(text) == text


def test_letter_runs_collapse_to_a_known_word() -> None:
    assert collapse_letter_runs("stuuuupid", WORDS) == "stupid"
    assert collapse_letter_runs("goooood", WORDS) == "good"
    assert collapse_letter_runs("soooo", WORDS) == "so"


def test_letter_runs_shrink_to_two_without_a_vocabulary() -> None:
    assert collapse_letter_runs("stuuuupid") == "stuupid"
    assert collapse_letter_runs("coffee") == "coffee"  # pairs are untouched


@pytest.mark.parametrize(
    ("text", "expected"),
    [("s t u p i d", "stupid"), ("i.d.i.o.t", "idiot"), ("you are a l-o-s-e-r", "you are a loser")],
)
def test_spaced_out_letters_are_rejoined(text: str, expected: str) -> None:
    assert join_spaced_letters(text) == expected


def test_two_single_letters_are_not_joined() -> None:
    assert join_spaced_letters("I am a dog") == "I am a dog"


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe",
        "assess",
        "therapist",
        "Essex",
        "cocktail",
        "Dick Van Dyke",
        "I scored 100 points in 2024",
    ],
)
def test_ordinary_text_comes_out_unchanged(text: str) -> None:
    assert normalize(text) == text


def test_the_pipeline_defeats_combined_evasion() -> None:
    assert normalize("you are a s t u u u p i d 1d10t\u200b") == "you are a stupid idiot"
