"""Inputs that reach Redis commands: feed cursors and list cursors."""

from __future__ import annotations

import pytest

from services.shared import paging
from services.shared.sse import valid_cursor


@pytest.mark.parametrize(
    "cursor", ["0-0", "1732270000000-3", "18446744073709551615-18446744073709551615"]
)
def test_stream_ids_are_valid_cursors(cursor: str) -> None:
    assert valid_cursor(cursor)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "1732270000000",
        "yesterday",
        "-1-0",
        "1-0-0",
        "18446744073709551616-0",
        "1-99999999999999999999",
    ],
)
def test_anything_redis_would_refuse_is_not_a_cursor(cursor: str) -> None:
    assert not valid_cursor(cursor)


@pytest.mark.parametrize(
    "position",
    [paging.Position(5e12 + 1.7e9, "c-1"), paging.Position(-3.5, "a|b"), paging.Position(0, "x")],
)
def test_a_list_cursor_names_the_position_it_was_made_from(position: paging.Position) -> None:
    assert paging.decode(paging.encode(position)) == position


@pytest.mark.parametrize("cursor", ["", "!!!", "bm9wZQ", "aW5mfGM", "MXw", "bmFufGM"])
def test_anything_else_is_not_a_list_cursor(cursor: str) -> None:
    # "nope", "inf|c", "1|" (no member), "nan|c"
    assert paging.decode(cursor) is None


def test_a_page_goes_on_after_the_last_item_even_among_ties() -> None:
    entries = [("a", 1.0), ("b", 2.0), ("c", 2.0), ("d", 3.0)]
    assert paging.after(entries, paging.Position(2.0, "b")) == [("c", 2.0), ("d", 3.0)]
    assert paging.after(entries, None) == entries
