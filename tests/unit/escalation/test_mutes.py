"""Muted reporters: never counted while the mute is in force, counted again after it lapses or
is lifted; a report older than the mute is judged without it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.contracts.events import ReporterMuted
from services.escalation.adapters.mutes import MuteBoard
from services.escalation.domain.reports import Admission, Tally, admit
from services.policy.text import parse_policy

NOW = datetime.now(UTC)
POLICY = parse_policy('id: p\nversion: "1"\nrules: []\n', "p.yaml")


def muted(on: bool, at: datetime = NOW, until: datetime | None = None) -> ReporterMuted:
    return ReporterMuted(occurred_at=at, tenant="acme", reporter_id="grudge", muted=on,
                         moderator_id="mo", reason="rejected", until=until)  # fmt: skip


def test_a_muted_reporter_is_never_counted_and_a_duplicate_stays_a_duplicate() -> None:
    assert admit(Tally(reporter_muted=True), POLICY) is Admission.MUTED
    assert admit(Tally(reporter_muted=True, already_reported=True), POLICY) is Admission.DUPLICATE
    assert admit(Tally(), POLICY) is Admission.COUNTED


def test_the_board_mutes_from_the_mute_on_until_it_lapses_or_is_lifted() -> None:
    board = MuteBoard()
    board.apply(muted(True, until=NOW + timedelta(hours=1)))
    assert board.muted("acme", "grudge", NOW + timedelta(minutes=1))
    assert not board.muted("acme", "grudge", NOW - timedelta(minutes=1))  # reported before
    assert not board.muted("acme", "grudge", NOW + timedelta(hours=2))  # lapsed by then
    assert not board.muted("other", "grudge", NOW + timedelta(minutes=1))
    board.apply(muted(False, at=NOW + timedelta(minutes=5)))
    assert not board.muted("acme", "grudge", NOW + timedelta(minutes=6))
