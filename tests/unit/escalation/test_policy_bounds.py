"""A policy text cannot crash or stall what parses it: nesting is bounded, a key written twice
is refused with its line, and the term lists are bounded (every post is searched for every
term)."""

from __future__ import annotations

import pytest

from services.policy.language import MAX_TERMS
from services.policy.text import MAX_DEPTH, PolicyError, parse_policy

BASE = 'id: p\nversion: "1"\nrules: []\n'


def test_nesting_900_deep_is_refused_not_a_crash() -> None:
    with pytest.raises(PolicyError, match="nested over"):
        parse_policy(BASE + "x: " + "[" * 900 + "]" * 900)


def test_nesting_past_the_bound_is_refused_with_its_line() -> None:
    nested = "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, MAX_DEPTH + 2))
    with pytest.raises(PolicyError, match="nested over") as refused:
        parse_policy(BASE + nested)
    assert refused.value.line is not None


def test_a_key_written_twice_is_refused_naming_the_line() -> None:
    with pytest.raises(PolicyError, match="'version' is written twice") as refused:
        parse_policy('id: p\nversion: "1"\nversion: "2"\nrules: []\n')
    assert refused.value.line == 3


def test_term_lists_are_bounded() -> None:
    terms = "".join(f"    - w{i}\n" for i in range(MAX_TERMS + 1))
    with pytest.raises(PolicyError, match=r"terms\.deny"):
        parse_policy(BASE + "terms:\n  deny:\n" + terms)


def test_a_policy_within_the_bounds_parses() -> None:
    terms = "".join(f"    - w{i}\n" for i in range(MAX_TERMS))
    assert len(parse_policy(BASE + "terms:\n  deny:\n" + terms).terms.deny) == MAX_TERMS
