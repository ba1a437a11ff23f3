"""Inputs that reach Redis commands: feed cursors and queue scan patterns."""

from __future__ import annotations

import pytest

from services.gateway.adapters.cases import glob_escape
from services.gateway.adapters.decisions import valid_cursor


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


def test_glob_characters_in_a_tenant_match_only_themselves() -> None:
    assert glob_escape("moderation:queue:a*:") == "moderation:queue:a\\*:"
    assert glob_escape("q?[x]\\") == "q\\?\\[x\\]\\\\"
    assert glob_escape("plain-tenant_1.x") == "plain-tenant_1.x"
