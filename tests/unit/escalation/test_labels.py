"""A moderator's resolution as a labeled example."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from services.contracts.cases import Case
from services.contracts.events import Action, CaseEvent
from services.escalation.domain.labels import example_of

CASE = Case(case_id="c", post_id="p", tenant="acme", author_id="u", community="games",
            queue="general", priority=3, sla_deadline=None,
            opened_at=datetime(2026, 12, 2, tzinfo=UTC), text="you clown")  # fmt: skip


def resolution(action: Action, labels: list[str] | None) -> CaseEvent:
    return CaseEvent(case_id="c", post_id="p", tenant="acme", author_id="u", kind="resolved",
                     queue="general", actor="mo", resolution=action, labels=labels)  # fmt: skip


def test_a_removal_is_toxic_for_the_labels_under_review() -> None:
    example = example_of(resolution(Action.REMOVE, ["insult", "toxicity"]), CASE)
    assert example is not None
    assert example.labels == {"insult": 1.0, "toxicity": 1.0}
    assert (example.text, example.source, example.post_id) == ("you clown", "moderator_review", "p")


def test_an_approval_on_appeal_is_not_toxic() -> None:
    example = example_of(resolution(Action.ALLOW, ["toxicity"]), replace(CASE, appealed=True))
    assert example is not None and example.labels == {"toxicity": 0.0}
    assert example.source == "moderator_appeal"


def test_the_example_id_is_derived_from_the_resolution() -> None:
    event = resolution(Action.REMOVE, ["toxicity"])
    first, again = example_of(event, CASE), example_of(event, CASE)
    assert first is not None and again is not None and first.example_id == again.example_id


def test_no_example_without_labels_under_review_or_for_other_events() -> None:
    assert example_of(resolution(Action.REMOVE, None), CASE) is None
    claimed = resolution(Action.REMOVE, ["toxicity"]).model_copy(update={"kind": "claimed"})
    assert example_of(claimed, CASE) is None
