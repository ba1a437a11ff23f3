"""A moderator's command answered: the case event it makes and, when it resolves the case, the
decision, the automated strike lifted or a strike for upheld reports, the sanction ordered,
the moderator's agreement with the automated call and the labelled example. Pure: the handler
loads the case, its policy and the author's strikes first, and carries out the Effects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.contracts.cases import Case, fold
from services.contracts.events import (
    Action,
    CaseEvent,
    CaseEventKind,
    GoldenCase,
    LabeledExample,
    ModeratorAction,
    derived_id,
)
from services.escalation.domain import effects
from services.escalation.domain.agreement import Review, review_of
from services.escalation.domain.cases import handle
from services.escalation.domain.decisions import moderator_decision
from services.escalation.domain.golden import scored
from services.escalation.domain.labels import example_of
from services.escalation.domain.resolutions import (
    moderator_sanction,
    strike_lifted,
    upheld_strike,
)
from services.policy.language import Policy


@dataclass(frozen=True)
class AuthorStrikes:
    """What the author's strike record says, as the command found it."""

    automated_units: int = 0  # of the strike the automated decision gave the case's post
    in_window: int = 0  # the author's strikes within the policy's window


@dataclass(frozen=True)
class Answer:
    effects: effects.Effects
    event: CaseEvent  # the answering case event
    resolved: Case | None = None  # the case, when the command resolved it
    review: Review | None = None
    example: LabeledExample | None = None


def answer(
    command: ModeratorAction,
    case: Case | None,
    policy: Policy,
    strikes: AuthorStrikes,
    now: datetime,
    golden: GoldenCase | None = None,
) -> Answer:
    """`golden`: the golden case the case copies, when it is a copy (its resolution is scored
    and decides nothing)."""
    event = handle(case, command, policy, now).model_copy(
        update={"event_id": derived_id("case-event", command.action_id)}
    )
    new = fold(case, event)
    if event.kind is not CaseEventKind.RESOLVED or new is None:
        return Answer(effects.of_answer(command.action_id, case, event, new), event)
    if new.golden_id is not None:
        score = scored(new, event, golden) if golden else None
        return Answer(effects.of_answer(command.action_id, case, event, new, score=score), event)
    review = review_of(case, new, policy)
    if review:
        event = event.model_copy(update={"labels": list(review.labels) or ["toxicity"]})
    lifted, upheld = None, (None, None)
    if event.resolution is Action.ALLOW:  # overturned: the automated strike goes too
        lifted = strike_lifted(new, event, strikes.automated_units)
    elif new.reports and not new.appealed:
        upheld = upheld_strike(new, event, policy, strikes.automated_units, strikes.in_window)
    example = example_of(event, new)
    carried = effects.of_answer(
        command.action_id, case, event, new,
        decision=moderator_decision(new, event, policy),
        sanction=moderator_sanction(command, new, policy),
        lifted=lifted, upheld=upheld, example=example,
    )  # fmt: skip
    return Answer(carried, event, new, review, example)
