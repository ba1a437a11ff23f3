"""Grouping civil criticism into themes: one theme per complaint, each post counted once."""

from __future__ import annotations

import csv
import io

from services.pulse.domain.themes import (
    Remark,
    as_csv,
    as_json,
    as_markdown,
    digest,
    find_theme,
    languages_json,
    phrases_of,
)


def remarks(*texts: str, start: float = 1000.0) -> list[Remark]:
    return [Remark(f"p{i}", text, start + i) for i, text in enumerate(texts)]


COMPLAINTS = remarks(
    "The dark mode is unreadable at night",
    "Please fix dark mode, the contrast is awful",
    "dark mode hurts my eyes",
    "I want a refund for the season pass",
    "Still waiting on my refund, support is slow",
    "The new update drains my battery",
    "Battery drain since the update is terrible",
    "Just a grumpy day",
)


def test_phrases_are_runs_of_content_words_never_across_a_stop_word() -> None:
    found = phrases_of("The dark mode is unreadable at night")
    assert {"dark", "mode", "dark mode", "unreadable", "night"} <= found
    assert "mode unreadable" not in found and "the" not in found


def test_each_complaint_becomes_one_theme_and_each_post_counts_once() -> None:
    found = digest(COMPLAINTS)
    themes = {t.phrase: t.count for t in found.themes}
    assert themes["dark mode"] == 3
    assert themes["refund"] == 2
    assert sum(themes.values()) + found.unthemed == found.total == len(COMPLAINTS)
    assert "mode" not in themes and "dark" not in themes  # not counted again under its words
    assert found.unthemed == 1  # the grumpy day is no theme


def test_the_best_phrase_comes_first() -> None:
    assert digest(COMPLAINTS).themes[0].phrase == "dark mode"


def test_a_single_mention_is_not_a_theme() -> None:
    assert digest(remarks("The lobby music is loud", "Matchmaking takes ages")).themes == ()


def test_trend_against_the_period_before() -> None:
    before = remarks("refund please", "where is my refund", "dark mode is bad", start=0)
    found = {t.phrase: t for t in digest(COMPLAINTS, before).themes}
    assert found["refund"].previous == 2 and found["refund"].trend == 0.0
    assert found["dark mode"].previous == 1 and found["dark mode"].trend == 2.0
    assert digest(COMPLAINTS).themes[0].trend is None  # nothing before: new


def test_examples_are_the_latest_posts_and_the_digest_is_deterministic() -> None:
    first = digest(COMPLAINTS, examples=2)
    assert [r.post_id for r in first.themes[0].examples] == ["p2", "p1"]
    assert digest(list(reversed(COMPLAINTS)), examples=2) == first


def test_at_most_max_themes() -> None:
    assert len(digest(COMPLAINTS, max_themes=1).themes) == 1


def test_exports_carry_the_same_themes() -> None:
    found = digest(COMPLAINTS)
    rows = list(csv.DictReader(io.StringIO(as_csv(found))))
    assert [r["theme"] for r in rows] == [t["theme"] for t in as_json(found)]
    assert rows[0]["count"] == "3" and rows[0]["trend"] == ""
    markdown = as_markdown(found, "Feedback")
    assert (
        markdown.startswith("# Feedback")
        and "| dark mode | undetermined | 3 | 0 | new |" in markdown
    )
    assert "> Please fix dark mode, the contrast is awful" in markdown


def spoken(language: str | None, *texts: str, start: float = 1000.0) -> list[Remark]:
    return [Remark(f"{language}{i}", text, start + i, language) for i, text in enumerate(texts)]


def test_a_language_reads_with_its_own_stop_words() -> None:
    found = phrases_of("Die App stürzt nach dem Update ständig ab", "de")
    assert {"app stürzt", "update ständig"} <= found
    assert not {"die", "dem", "nach"} & found  # German stop words, which English lacks


def test_hindi_words_keep_their_vowel_signs() -> None:
    assert "धीमा" in phrases_of("यह ऐप बहुत धीमा है", "hi")  # \w alone would cut it at "ी"


def test_chinese_is_cut_into_words_and_shown_without_spaces() -> None:
    found = digest(spoken("zh", "退款一直没有处理", "退款太慢了，客服也不回复", "界面很好看"))
    assert [(t.phrase, t.count, t.language) for t in found.themes] == [("退款", 2, "zh")]


def test_japanese_content_words_are_its_kanji_and_katakana_runs() -> None:
    found = phrases_of("アプリが更新のたびに落ちます。ダークモードも読みにくい", "ja")
    assert {"アプリ", "更新", "ダークモード"} <= found
    assert not any("の" in phrase or phrase == "落" for phrase in found)  # grammar, a bare stem
    themes = digest(spoken("ja", "ダークモードが暗すぎる", "ダークモードの文字が読めません")).themes
    assert [t.phrase for t in themes] == ["ダークモード"]


def test_each_language_has_its_own_themes_and_counts() -> None:
    posts = [
        *spoken("de", "Die Rückerstattung dauert ewig", "Wo bleibt meine Rückerstattung?"),
        *spoken("en", "Still no refund", "The refund takes forever", "refund refund"),
        *spoken("ja", "返金はまだですか", "返金の手続きが遅すぎます"),
    ]
    found = digest(posts)
    assert [(s.language, s.total) for s in found.languages] == [("en", 3), ("de", 2), ("ja", 2)]
    assert [(t.phrase, t.language) for t in found.themes] == [
        ("refund", "en"), ("rückerstattung", "de"), ("返金", "ja"),
    ]  # fmt: skip
    assert found.total == 7 and found.unthemed == 0


def test_the_period_before_is_counted_in_the_same_language() -> None:
    before = spoken("de", "Rückerstattung fehlt", start=0)
    now = spoken("de", "Rückerstattung fehlt noch", "Rückerstattung?")
    assert digest(now, before).themes[0].previous == 1
    assert digest(now, spoken("en", "rückerstattung", start=0)).themes[0].previous == 0


def test_undetermined_remarks_join_the_main_language_when_it_has_more() -> None:
    posts = [*spoken("en", "dark mode hurts my eyes", "Please fix dark mode, it is awful"),
             *spoken("und", "Dark mode is unreadable")]  # fmt: skip
    found = digest(posts)
    assert [(s.language, s.total) for s in found.languages] == [("en", 3)]
    assert (found.themes[0].phrase, found.themes[0].count) == ("dark mode", 3)


def test_undetermined_remarks_that_are_the_most_stay_apart() -> None:
    posts = [
        *spoken("de", "Rückerstattung fehlt", "Rückerstattung?"),
        *spoken(None, "refund now", "refund!"),
        *spoken("und", "refund please"),
    ]
    found = digest(posts)
    assert [(s.language, s.total) for s in found.languages] == [(None, 3), ("de", 2)]
    assert {(t.phrase, t.language) for t in found.themes} == {
        ("refund", None),
        ("rückerstattung", "de"),
    }


def test_exports_name_each_theme_language() -> None:
    english = [Remark(r.post_id, r.text, r.at, "en") for r in COMPLAINTS]
    found = digest([*spoken("de", "Rückerstattung fehlt", "Rückerstattung?"), *english])
    assert {row["language"] for row in csv.DictReader(io.StringIO(as_csv(found)))} == {"en", "de"}
    markdown = as_markdown(found, "Feedback")
    assert "By language: en 8, de 2." in markdown
    assert "| rückerstattung | de | 2 | 0 | new |" in markdown
    assert "## rückerstattung (de, 2)" in markdown
    assert [s["language"] for s in languages_json(found)] == ["en", "de"]


def test_how_the_team_owns_a_theme_shows_in_every_export() -> None:
    found = digest(COMPLAINTS)
    owned = {(None, "dark mode"): {"status": "planned", "owner": "maria",
                                   "tracker_url": "https://tracker.example/ED-41"}}  # fmt: skip
    themes = {t["theme"]: t for t in as_json(found, owned)}
    assert (themes["dark mode"]["status"], themes["dark mode"]["owner"]) == ("planned", "maria")
    assert themes["refund"]["status"] == "new" and themes["refund"]["owner"] is None
    assert languages_json(found, owned)[0]["themes"][0]["status"] == "planned"
    rows = {r["theme"]: r for r in csv.DictReader(io.StringIO(as_csv(found, owned)))}
    assert rows["dark mode"]["tracker_url"] == "https://tracker.example/ED-41"
    assert rows["refund"]["status"] == "new"
    markdown = as_markdown(found, "Feedback", owned)
    assert "| 3 | 0 | new | planned (maria, https://tracker.example/ED-41) |" in markdown


def test_a_theme_keeps_every_post_it_took_newest_first() -> None:
    said = [Remark(f"p{i}", "dark mode is awful", 1000.0 + i, None, f"m{i}") for i in range(5)]
    theme = find_theme(digest(said, examples=2), "dark mode", None)
    assert theme is not None and len(theme.examples) == 2
    assert [r.author for r in theme.members] == ["m4", "m3", "m2", "m1", "m0"]
    assert find_theme(digest(said), "dark mode", "de") is None
