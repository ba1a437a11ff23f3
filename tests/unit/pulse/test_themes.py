"""Grouping civil criticism into themes: one theme per complaint, each post counted once."""

from __future__ import annotations

import csv
import io

from services.pulse.domain.themes import Remark, as_csv, as_json, as_markdown, digest, phrases_of


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
    assert markdown.startswith("# Feedback") and "| dark mode | 3 | 0 | new |" in markdown
    assert "> Please fix dark mode, the contrast is awful" in markdown
