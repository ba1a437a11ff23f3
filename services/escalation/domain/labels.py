"""A moderator's resolution as a labeled example for the model: approving means the post is
not toxic, restricting it (label, hold, remove; or keeping it on appeal) means it is, for the
labels the rules that opened the case test. Pure."""

from __future__ import annotations

from services.contracts.cases import Case
from services.contracts.events import Action, CaseEvent, CaseEventKind, LabeledExample, derived_id


def example_of(event: CaseEvent, case: Case | None) -> LabeledExample | None:
    if event.kind is not CaseEventKind.RESOLVED or not event.labels or case is None:
        return None
    value = 0.0 if event.resolution is Action.ALLOW else 1.0
    return LabeledExample(
        example_id=derived_id("labeled", event.event_id),
        occurred_at=event.occurred_at,
        tenant=event.tenant,
        source="moderator_appeal" if case.appealed else "moderator_review",
        post_id=event.post_id,
        labels={label: value for label in event.labels},
        text=case.text or None,
        community=case.community,
    )
