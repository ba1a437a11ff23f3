"""When crisis mode switches: by an admin's hand always, by a wave only under a policy that
allows it, and never against a moderator's call for the same wave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.contracts.events import (
    CommunityAlert,
    CommunityAlertKind,
    CrisisCommand,
    CrisisSource,
)
from services.escalation.domain.crisis import on_alert, on_command
from services.policy.language import Action, PostFacts, evaluate
from tests.unit.escalation.test_policy import POLICY

AUTOMATIC = POLICY.model_copy(
    update={"crisis": POLICY.crisis.model_copy(update={"automatic": True})}
)
T0 = datetime(2026, 12, 2, 12, tzinfo=UTC)


def alert(kind: CommunityAlertKind, at: datetime = T0) -> CommunityAlert:
    return CommunityAlert(
        tenant="acme", community="games", kind=kind, window_seconds=300,
        wave_started_at=T0, at=at, volume=80, negative=50, rate=0.62, baseline=0.1,
        surprise=9.5,
    )  # fmt: skip


def command(on: bool, at: datetime) -> CrisisCommand:
    return CrisisCommand(
        tenant="acme", community="games", on=on, moderator_id="lead", reason="raid",
        occurred_at=at,
    )  # fmt: skip


def test_a_wave_switches_crisis_on_only_where_the_policy_allows_it() -> None:
    started = alert(CommunityAlertKind.WAVE_STARTED)
    assert on_alert(None, started, POLICY) is None
    change = on_alert(None, started, AUTOMATIC)
    assert change is not None and change.on and change.source is CrisisSource.WAVE
    assert "62% negative" in change.reason and change.cause_id == started.event_id


def test_the_switch_is_derived_from_its_cause_so_a_redelivery_gives_the_same_event() -> None:
    started = alert(CommunityAlertKind.WAVE_STARTED)
    first, second = on_alert(None, started, AUTOMATIC), on_alert(None, started, AUTOMATIC)
    assert first is not None and second is not None and first.event_id == second.event_id


def test_an_escalated_wave_does_not_switch_it_on_twice() -> None:
    on = on_alert(None, alert(CommunityAlertKind.WAVE_STARTED), AUTOMATIC)
    assert on_alert(on, alert(CommunityAlertKind.WAVE_ESCALATED), AUTOMATIC) is None


def test_the_end_of_the_wave_lifts_the_crisis_it_started() -> None:
    on = on_alert(None, alert(CommunityAlertKind.WAVE_STARTED), AUTOMATIC)
    off = on_alert(on, alert(CommunityAlertKind.WAVE_ENDED), AUTOMATIC)
    assert off is not None and not off.on and off.source is CrisisSource.WAVE


def test_the_end_of_a_wave_leaves_a_crisis_a_moderator_switched_on() -> None:
    by_hand = on_command(command(True, T0 + timedelta(minutes=1)))
    assert by_hand.on and by_hand.source is CrisisSource.MODERATOR and by_hand.actor == "lead"
    assert on_alert(by_hand, alert(CommunityAlertKind.WAVE_ENDED), AUTOMATIC) is None


def test_a_moderator_lifting_crisis_mid_wave_is_not_overruled_by_that_wave() -> None:
    lifted = on_command(command(False, T0 + timedelta(minutes=2)))
    escalated = alert(CommunityAlertKind.WAVE_ESCALATED, at=T0 + timedelta(minutes=5))
    assert on_alert(lifted, escalated, AUTOMATIC) is None
    # a later wave is a new one: automatic crisis mode applies again
    later = alert(CommunityAlertKind.WAVE_STARTED).model_copy(
        update={"wave_started_at": T0 + timedelta(hours=1)}
    )
    assert on_alert(lifted, later, AUTOMATIC) is not None


def test_crisis_mode_switched_on_tightens_the_verdict_and_the_verdict_says_so() -> None:
    facts = PostFacts(scores={"toxicity": 0.8}, community="games")
    calm = evaluate(facts, POLICY)
    crisis = evaluate(PostFacts(scores={"toxicity": 0.8}, community="games", crisis=True), POLICY)
    assert (calm.action, calm.crisis) == (Action.LABEL, False)
    assert (crisis.action, crisis.crisis) == (Action.HOLD, True)
