"""Which open cases a bulk selection takes, which a moderator may act on, and command ids that
make a retried bulk action apply nothing twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from services.contracts.cases import Case, CaseState
from services.contracts.events import Command
from services.desk.domain.bulk import Selection, action_id, refusal

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
CASE = Case(case_id="c1", post_id="p1", tenant="acme", author_id="raider-1", community="games",
            queue="review", priority=1, sla_deadline=None, opened_at=T0,
            text="You are a Clown and a fool", aimed_at=("member-17",))  # fmt: skip


@pytest.mark.parametrize(
    ("selection", "taken"),
    [
        ({"aimed_at": "member-17"}, True),
        ({"aimed_at": "member-18"}, False),
        ({"text": "clown"}, True),  # any case
        ({"text": "jester"}, False),
        ({"author_id": "raider-1", "community": "games"}, True),
        ({"author_id": "raider-1", "community": "music"}, False),
        ({"since": T0 - timedelta(minutes=1), "until": T0 + timedelta(minutes=1)}, True),
        ({"since": T0 + timedelta(minutes=1)}, False),
    ],
)
def test_a_selection_takes_the_open_cases_every_condition_holds_for(selection, taken) -> None:
    assert Selection(**selection).matches(CASE) is taken


def test_resolved_cases_are_never_taken_and_an_empty_selection_is_refused() -> None:
    assert not Selection(aimed_at="member-17").matches(replace(CASE, state=CaseState.RESOLVED))
    with pytest.raises(ValidationError):
        Selection()


def test_a_case_someone_else_holds_or_an_appeal_of_ones_own_call_is_refused_alone() -> None:
    assert refusal(CASE, "mo1") is None
    assert refusal(replace(CASE, assignee="mo1", state=CaseState.CLAIMED), "mo1") is None
    assert (
        refusal(replace(CASE, assignee="mo2", state=CaseState.CLAIMED), "mo1") == "claimed by mo2"
    )
    appeal = replace(CASE, appealed=True, first_decider="mo1")
    assert "appeal of your own decision" in refusal(appeal, "mo1")
    assert refusal(replace(CASE, state=CaseState.RESOLVED), "mo1") == "already resolved"


def test_a_retry_sends_the_same_commands() -> None:
    first = action_id("raid-1", "c1", Command.REMOVE)
    assert first == action_id("raid-1", "c1", Command.REMOVE)
    assert (
        first
        != action_id("raid-1", "c1", Command.CLAIM)
        != action_id("raid-2", "c1", Command.REMOVE)
    )
