"""Pile-on shields: switched by pulse's alerts under `shield.automatic`; a shielded member's
replies are judged tighter and new accounts' replies are held."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts.events import (
    Action,
    AuthorFacts,
    CommunityAlert,
    CommunityAlertKind,
    ShieldCommand,
    ShieldSource,
)
from services.escalation.adapters.shields import ShieldBoard
from services.escalation.domain.shield import on_alert, on_command
from services.policy.language import SHIELD_RULE, PostFacts, evaluate
from services.policy.text import parse_policy

POLICY = parse_policy(
    """
id: s
version: "1"
queues: {review: {sla_minutes: 30}}
default_queue: review
shield: {automatic: true, factor: 0.5, hold_new_accounts_days: 7}
rules:
  - {id: toxic, action: hold, clause: "G1", when: {scores: {toxicity: 0.8}}}
""",
    "s.yaml",
)
MANUAL = POLICY.model_copy(update={"shield": POLICY.shield.model_copy(update={"automatic": False})})
T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def alert(kind: CommunityAlertKind, target: str | None = "m-1") -> CommunityAlert:
    return CommunityAlert(
        occurred_at=T0, tenant="acme", community="games", kind=kind, window_seconds=600, wave_started_at=T0, at=T0,
        volume=40, negative=38, rate=0.95, baseline=0.2, surprise=9.0, target=target, authors=35,
    )  # fmt: skip


def test_a_pile_on_shields_its_target_and_its_end_lifts_it() -> None:
    on = on_alert(None, alert(CommunityAlertKind.PILE_ON_STARTED), POLICY)
    assert on is not None and on.on and on.member == "m-1" and "35 members" in on.reason
    assert on.community == "games" and on.source is ShieldSource.PILE_ON
    assert on_alert(on, alert(CommunityAlertKind.PILE_ON_STARTED), POLICY) is None  # on already
    off = on_alert(on, alert(CommunityAlertKind.PILE_ON_ENDED), POLICY)
    assert off is not None and not off.on and off.cause_id != on.cause_id
    assert on_alert(None, alert(CommunityAlertKind.PILE_ON_ENDED), POLICY) is None


def test_without_automatic_shields_or_for_a_wave_nothing_switches() -> None:
    assert on_alert(None, alert(CommunityAlertKind.PILE_ON_STARTED), MANUAL) is None
    assert on_alert(None, alert(CommunityAlertKind.WAVE_STARTED, None), POLICY) is None


def test_the_board_holds_only_members_shielded_now() -> None:
    board = ShieldBoard()
    on = on_alert(None, alert(CommunityAlertKind.PILE_ON_STARTED), POLICY)
    board.apply(on)
    assert board.covers("acme", "games", {"m-1", "m-2"})
    assert not board.covers("other", "games", {"m-1"})
    assert not board.covers("acme", "music", {"m-1"})  # shielded where the pile-on is
    board.apply(on_alert(on, alert(CommunityAlertKind.PILE_ON_ENDED), POLICY))
    assert not board.covers("acme", "games", {"m-1"})


def test_an_admin_shields_by_hand_and_a_pile_ons_end_does_not_lift_it() -> None:
    command = ShieldCommand(tenant="acme", community="games", member="m-1", on=True,
                            moderator_id="lead", reason="targeted since the patch")  # fmt: skip
    by_hand = on_command(command)
    assert by_hand.on and by_hand.source is ShieldSource.MODERATOR and by_hand.actor == "lead"
    assert by_hand.cause_id == command.event_id and by_hand.event_id == on_command(command).event_id
    assert on_alert(by_hand, alert(CommunityAlertKind.PILE_ON_ENDED), POLICY) is None
    lifted = on_command(command.model_copy(update={"on": False, "event_id": "c2"}))
    board = ShieldBoard()
    board.apply(by_hand)
    board.apply(lifted)
    assert not board.covers("acme", "games", {"m-1"})


def test_a_shielded_members_replies_are_judged_tighter() -> None:
    facts = PostFacts(scores={"toxicity": 0.5}, author=AuthorFacts(account_age_days=400))
    assert evaluate(facts, POLICY).action is Action.ALLOW
    shielded = evaluate(PostFacts(**{**facts.__dict__, "shielded": True}), POLICY)
    assert shielded.action is Action.HOLD and shielded.shielded
    assert "pile-on shield" in shielded.reasons[0].detail


def test_a_new_accounts_reply_to_a_shielded_member_is_held_and_unknown_age_is_not() -> None:
    new = PostFacts(
        scores={"toxicity": 0.01}, author=AuthorFacts(account_age_days=2), shielded=True
    )
    verdict = evaluate(new, POLICY)
    assert verdict.action is Action.HOLD and verdict.matched == (SHIELD_RULE,)
    assert verdict.queue == "review"
    unknown = PostFacts(scores={"toxicity": 0.01}, shielded=True)
    assert evaluate(unknown, POLICY).action is Action.ALLOW
    unshielded = PostFacts(scores={"toxicity": 0.01}, author=AuthorFacts(account_age_days=2))
    assert evaluate(unshielded, POLICY).action is Action.ALLOW


def test_a_rule_of_the_policy_can_ask_whether_a_post_is_aimed_at_a_shielded_member() -> None:
    policy = parse_policy(
        """
id: own
version: "1"
rules:
  - id: shielded-insult
    action: remove
    clause: "G4 no piling on"
    when: {shielded: true, scores: {insult: 0.4}}
""",
        "own.yaml",
    )
    facts = PostFacts(scores={"insult": 0.5})
    assert evaluate(facts, policy).action is Action.ALLOW
    verdict = evaluate(PostFacts(scores={"insult": 0.5}, shielded=True), policy)
    assert (
        verdict.action is Action.REMOVE and "shielded from a pile-on" in verdict.reasons[0].detail
    )
