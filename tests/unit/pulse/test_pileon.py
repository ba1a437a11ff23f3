"""The pile-on detector: a floor of distinct negative repliers, a share, the member's own
usual; it ends after quiet windows, and a window is folded in once."""

from __future__ import annotations

from services.contracts.events import CommunityAlertKind
from services.pulse.domain.pileon import (
    AimedWindow,
    PileOnState,
    PileOnTuning,
    Target,
    closed,
    pile_on_alert,
    started,
    starts,
    surprise,
)

TUNING = PileOnTuning(window_seconds=600, min_authors=8, min_share=0.5, baseline_factor=3.0)
MEMBER = Target("acme", "games", "m-1")


def window(authors: int, negative: int | None = None, replies: int | None = None, start: int = 0):
    negative = authors if negative is None else negative
    return AimedWindow(start, replies if replies is not None else negative, negative, authors)


def test_many_members_negative_replies_start_a_pile_on() -> None:
    assert starts(PileOnState(), window(8), TUNING)
    assert not starts(PileOnState(), window(7), TUNING)  # under the floor of repliers


def test_one_angry_member_posting_forty_times_is_not_a_pile_on() -> None:
    assert not starts(PileOnState(), window(1, negative=40), TUNING)


def test_a_heated_debate_where_most_replies_are_civil_is_not_one() -> None:
    assert not starts(PileOnState(), window(10, replies=30), TUNING)


def test_a_member_who_is_always_argued_with_is_judged_by_their_own_usual() -> None:
    usual = PileOnState(usual=4.0)
    assert not starts(usual, window(10), TUNING)
    assert starts(usual, window(12), TUNING)


def test_it_ends_after_quiet_windows_and_the_usual_learns_only_outside_one() -> None:
    state = started(PileOnState(usual=1.0), at=100.0)
    state, ended = closed(state, window(20, start=0), TUNING)
    assert not ended and state.usual == 1.0  # a pile-on never becomes the member's normal
    state, ended = closed(state, window(2, start=600), TUNING)
    assert not ended and state.quiet == 1
    state, ended = closed(state, window(1, start=1200), TUNING)
    assert ended and not state.active
    state, _ = closed(state, window(6, start=1800), TUNING)
    assert state.usual == 1.0 + 0.2 * (6 - 1.0)


def test_a_window_is_folded_in_once() -> None:
    state, _ = closed(PileOnState(), window(5, start=600), TUNING)
    again, ended = closed(state, window(5, start=600), TUNING)
    assert again == state and not ended


def test_the_alert_carries_its_evidence() -> None:
    state = started(PileOnState(usual=0.4), at=1000.0)
    alert = pile_on_alert(MEMBER, window(9, replies=12, start=600), state, TUNING, False,
                          ["p1"], 1001.0)  # fmt: skip
    assert alert.kind is CommunityAlertKind.PILE_ON_STARTED and alert.target == "m-1"
    assert (alert.authors, alert.volume, alert.negative, alert.rate) == (9, 12, 9, 0.75)
    assert alert.surprise > 4 and alert.samples == ["p1"]
    again = pile_on_alert(MEMBER, window(9, replies=12, start=600), state, TUNING, False,
                          ["p1"], 1009.0)  # fmt: skip
    assert again.event_id == alert.event_id  # redelivered: the same alert
    assert alert.community == "games"
    elsewhere = pile_on_alert(Target("acme", "music", "m-1"), window(9, replies=12, start=600),
                              state, TUNING, False, ["p1"], 1001.0)  # fmt: skip
    assert elsewhere.event_id != alert.event_id  # one member, another community


def test_surprise_grows_with_the_repliers_and_shrinks_with_the_usual() -> None:
    assert surprise(12, 1.0) > surprise(8, 1.0) > surprise(8, 3.0) > 0
