"""What a moderator's resolution does to the author, judged from the strikes passed in."""

from __future__ import annotations

from services.contracts.events import CaseEvent, CaseEventKind
from services.escalation.domain.resolutions import moderator_sanction, strike_lifted, upheld_strike
from services.escalation.domain.strikes import automated_decision_id
from services.policy.text import parse_policy
from tests.unit.escalation.test_cases import T0, command, opened

LADDER = parse_policy(
    """
id: q
version: "1"
queues:
  general: {priority: 3, sla_minutes: 60}
strikes:
  window_days: 30
  ladder:
    - {at: 2, sanction: mute, duration_hours: 24}
reports: {upheld_strikes: 1}
rules: []
""",
    "q.yaml",
)


def resolved_by(actor: str) -> CaseEvent:
    return CaseEvent(occurred_at=T0, case_id=opened().case_id, post_id="p1", tenant="t",
                     author_id="a", kind=CaseEventKind.RESOLVED, queue="general", actor=actor,
                     event_id="e1")  # fmt: skip


def test_upheld_reports_give_a_strike_and_the_sanction_it_reaches() -> None:
    strike, sanction = upheld_strike(opened(), resolved_by("mod-1"), LADDER, 0, before=1)
    assert strike is not None and strike.weight == 1 and "mod-1" in strike.reason
    assert sanction is not None and sanction.sanction == "mute" and sanction.strikes == 2
    assert sanction.decided_by == "mod-1" and sanction.duration_hours == 24


def test_no_second_strike_when_the_automated_decision_gave_one() -> None:
    assert upheld_strike(opened(), resolved_by("mod-1"), LADDER, 1, before=1) == (None, None)


def test_below_the_ladder_a_strike_and_no_sanction() -> None:
    strike, sanction = upheld_strike(opened(), resolved_by("mod-1"), LADDER, 0, before=0)
    assert strike is not None and sanction is None


def test_an_overturned_post_loses_its_automated_strike_if_it_had_one() -> None:
    assert strike_lifted(opened(), resolved_by("mod-2"), 0) is None
    lifted = strike_lifted(opened(), resolved_by("mod-2"), 2)
    assert lifted is not None and lifted.removed and lifted.weight == 2
    assert lifted.strike_id == automated_decision_id("p1")


def test_a_moderator_sanction_is_what_was_asked_for() -> None:
    asked = command("sanction", sanction="suspend", duration_hours=48)
    sanction = moderator_sanction(asked, opened(), LADDER)
    assert sanction is not None and sanction.sanction == "suspend"
    assert sanction.duration_hours == 48 and sanction.decided_by == "mod-1"
    assert moderator_sanction(command("claim"), opened(), LADDER) is None
