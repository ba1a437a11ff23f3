"""The case lifecycle as a pure fold of events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import reduce

import pytest
from pydantic import ValidationError

from services.contracts.cases import Case, CaseState, case_id_for, fold
from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    ModeratorAction,
    Post,
    moderator_action,
)
from services.escalation.domain.cases import handle, sla_breach
from services.policy.text import parse_policy

POLICY = parse_policy(
    """
id: q
version: "1"
queues:
  general: {priority: 3, sla_minutes: 60, escalate_to: leads}
  leads: {priority: 0, sla_minutes: 15}
  feedback: {priority: 5, sla_minutes: 600}
rules: []
""",
    "q.yaml",
)
T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def opened(queue: str = "general") -> Case:
    event = CaseEvent(
        occurred_at=T0, case_id=case_id_for("p1"), post_id="p1", tenant="t", author_id="a",
        kind=CaseEventKind.OPENED, queue=queue, actor="system", priority=3,
        sla_deadline=T0 + timedelta(minutes=60),
    )  # fmt: skip
    return fold(None, event)


def command(verb: str, who: str = "mod-1", **arguments) -> ModeratorAction:
    return moderator_action(case_id=case_id_for("p1"), tenant="t", author_id="a", moderator_id=who,
                            command=verb, reason=f"{verb} by {who}",
                            **({"arguments": arguments} if arguments else {}))  # fmt: skip


def run(case: Case, *commands: ModeratorAction) -> tuple[Case, list[CaseEvent]]:
    events = []
    for cmd in commands:
        event = handle(case, cmd, POLICY, T0)
        events.append(event)
        case = fold(case, event)
    return case, events


def test_open_claim_resolve() -> None:
    case, events = run(opened(), command("claim"), command("remove"))
    assert [e.kind for e in events] == [CaseEventKind.CLAIMED, CaseEventKind.RESOLVED]
    assert case.state is CaseState.RESOLVED and case.resolution is Action.REMOVE
    assert case.first_decider == "mod-1" and case.decision_revision == 1


def test_resolving_needs_the_claim() -> None:
    case, events = run(opened(), command("approve"))
    assert events[0].kind is CaseEventKind.REJECTED and events[0].reason == "claim the case first"
    assert case == opened()


def test_a_case_is_never_held_by_two_moderators() -> None:
    case, events = run(
        opened(), command("claim", "mod-1"), command("claim", "mod-2"), command("remove", "mod-2")
    )
    assert [e.kind for e in events][1:] == [CaseEventKind.REJECTED, CaseEventKind.REJECTED]
    assert events[1].reason == "already claimed by mod-1"
    assert case.assignee == "mod-1"


def test_unclaim_returns_the_case_to_the_queue() -> None:
    case, _ = run(opened(), command("claim"), command("unclaim"))
    assert case.state is CaseState.OPEN and case.assignee is None


def test_escalate_moves_the_case_to_another_queue_with_its_sla() -> None:
    case, events = run(opened(), command("claim"), command("escalate", queue="leads"))
    assert events[1].kind is CaseEventKind.ESCALATED
    assert (case.queue, case.priority, case.state) == ("leads", 0, CaseState.OPEN)
    assert case.sla_deadline == T0 + timedelta(minutes=15)


def test_escalate_to_an_unknown_queue_is_rejected() -> None:
    _, events = run(opened(), command("claim"), command("escalate", queue="nowhere"))
    assert events[1].kind is CaseEventKind.REJECTED and "arguments.queue" in events[1].reason


def test_an_appeal_goes_to_a_different_moderator() -> None:
    case, _ = run(opened(), command("claim", "mod-1"), command("remove", "mod-1"))
    case, events = run(case, command("appeal", "author"), command("claim", "mod-1"))
    assert events[0].kind is CaseEventKind.APPEALED and case.appealed
    assert events[1].kind is CaseEventKind.REJECTED
    assert "other than the one who decided first" in events[1].reason
    case, events = run(case, command("claim", "mod-2"), command("approve", "mod-2"))
    assert [e.kind for e in events] == [CaseEventKind.CLAIMED, CaseEventKind.RESOLVED]
    assert case.resolution is Action.ALLOW and case.decision_revision == 2


def test_a_case_is_appealed_once() -> None:
    case, _ = run(opened(), command("claim", "m1"), command("remove", "m1"), command("appeal", "author"),
                  command("claim", "m2"), command("approve", "m2"))  # fmt: skip
    _, events = run(case, command("appeal", "author"))
    assert events[0].reason == "this case was already appealed once"


def test_only_resolved_cases_can_be_appealed() -> None:
    _, events = run(opened(), command("appeal", "author"))
    assert events[0].reason == "only a resolved case can be appealed"


def test_notes_are_recorded_in_any_state_without_changing_it() -> None:
    case, events = run(opened(), command("note"))
    assert events[0].kind is CaseEventKind.NOTED and case == opened()


@pytest.mark.parametrize("verb", ["delete", ""])
def test_an_unknown_command_is_no_moderator_action(verb: str) -> None:
    """The command vocabulary is the contract's: anything else never reaches a case (on the
    topic it does not decode and is dead-lettered)."""
    with pytest.raises(ValidationError, match="command"):
        command(verb)


def test_a_command_for_an_unknown_case_is_rejected() -> None:
    event = handle(None, command("claim"), POLICY, T0)
    assert (event.kind, event.reason, event.case_id) == (
        CaseEventKind.REJECTED,
        "no such case",
        case_id_for("p1"),
    )


def test_a_command_for_another_tenants_case_is_rejected() -> None:
    cmd = command("claim").model_copy(update={"tenant": "other"})
    assert handle(opened(), cmd, POLICY, T0).reason == "no such case"


def test_sla_breach_escalates_to_the_target_queue() -> None:
    case = opened()
    assert sla_breach(case, POLICY, T0 + timedelta(minutes=59)) is None
    event = sla_breach(case, POLICY, T0 + timedelta(minutes=61))
    assert (event.kind, event.actor, event.queue) == (CaseEventKind.ESCALATED, "system", "leads")
    moved = fold(case, event)
    assert moved.sla_breaches == 1 and moved.sla_deadline == T0 + timedelta(minutes=76)


def test_sla_breach_without_a_target_reports_once() -> None:
    case = opened("feedback")
    case = fold(
        case, CaseEvent(**{**sla_breach(case, POLICY, T0 + timedelta(days=1)).model_dump()})
    )
    assert case.queue == "feedback" and case.sla_deadline is None
    assert sla_breach(case, POLICY, T0 + timedelta(days=2)) is None


def test_resolved_cases_never_breach() -> None:
    case, _ = run(opened(), command("claim"), command("remove"))
    assert sla_breach(case, POLICY, T0 + timedelta(days=9)) is None


def test_folding_the_same_events_gives_the_same_case() -> None:
    _, events = run(
        opened(),
        command("claim"),
        command("escalate", queue="leads"),
        command("claim"),
        command("hold"),
    )
    first = CaseEvent(
        occurred_at=T0, case_id=case_id_for("p1"), post_id="p1", tenant="t", author_id="a",
        kind=CaseEventKind.OPENED, queue="general", actor="system", priority=3,
        sla_deadline=T0 + timedelta(minutes=60),
    )  # fmt: skip
    replayed = reduce(fold, [first, *events], None)
    assert replayed.state is CaseState.RESOLVED and replayed.queue == "leads"
    assert replayed == reduce(fold, [first, *events], None)


def test_sanction_resolves_as_a_removal() -> None:
    case, events = run(
        opened(), command("claim"), command("sanction", sanction="suspend", duration_hours=48)
    )
    assert events[1].kind is CaseEventKind.RESOLVED and case.resolution is Action.REMOVE


@pytest.mark.parametrize("arguments", [{"sanction": "exile"}, {}])
def test_a_sanction_names_a_known_kind(arguments: dict) -> None:
    with pytest.raises(ValidationError, match="sanction"):
        moderator_action(case_id="c", tenant="t", author_id="a", moderator_id="m",
                         command="sanction", arguments=arguments)  # fmt: skip


def test_the_opened_case_keeps_the_post_and_its_scores_for_moderators() -> None:
    post = Post(post_id="p1", tenant="t", external_id="c-9", author_id="a", text="you idiot")
    event = CaseEvent(
        occurred_at=T0, case_id=case_id_for("p1"), post_id="p1", tenant="t", author_id="a",
        kind=CaseEventKind.OPENED, queue="general", actor="system", post=post,
        scores={"toxicity": 0.9},
    )  # fmt: skip
    case, _ = run(fold(None, event), command("claim"))
    assert (case.text, case.external_id, case.scores) == ("you idiot", "c-9", {"toxicity": 0.9})
    assert opened().text == "" and opened().scores == {}  # events from before the field existed
