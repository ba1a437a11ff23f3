"""A batch's strike counts: read once, then kept as the batch's own strikes are given."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts.events import StrikeEvent
from services.escalation.domain.strikes import StrikeTally, author_of

ANNA = author_of("t1", "games", "anna")
NOW = 1_800_000_000.0


def strike(strike_id: str, weight: int = 1, at: float = NOW, removed: bool = False) -> StrikeEvent:
    return StrikeEvent(
        strike_id=strike_id,
        tenant="t1",
        community="games",
        author_id="anna",
        weight=weight,
        removed=removed,
        post_id=f"post-{strike_id}",
        occurred_at=datetime.fromtimestamp(at, UTC),
    )


def test_counts_the_units_inside_the_window_only() -> None:
    tally = StrikeTally(
        {ANNA: {"old#0": NOW - 100 * 86400, "a#0": NOW - 86400, "a#1": NOW - 86400}}
    )
    assert tally.count(ANNA, since=NOW - 30 * 86400) == 2
    assert tally.count(author_of("t1", "games", "bob"), since=0) == 0


def test_leaves_out_the_posts_own_strike() -> None:
    tally = StrikeTally({ANNA: {"mine#0": NOW, "mine#1": NOW, "other#0": NOW}})
    assert tally.count(ANNA, since=0, excluding="mine") == 1


def test_a_strike_given_in_the_batch_counts_for_the_next_post() -> None:
    tally = StrikeTally()
    tally.add(strike("first", weight=2))
    assert tally.count(ANNA, since=NOW - 1) == 2


def test_a_strike_already_read_is_not_counted_twice() -> None:
    """A redelivered batch: the strike was stored before, and is given again."""
    tally = StrikeTally({ANNA: {"first#0": NOW - 10}})
    tally.add(strike("first", at=NOW))
    assert tally.count(ANNA, since=NOW - 5) == 0  # keeps its first time, as Redis's NX does
    assert tally.count(ANNA, since=0) == 1


def test_a_lifted_strike_stops_counting() -> None:
    tally = StrikeTally({ANNA: {"first#0": NOW, "first#1": NOW, "second#0": NOW}})
    tally.add(strike("first", weight=2, removed=True))
    assert tally.count(ANNA, since=0) == 1
