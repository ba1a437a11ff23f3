"""What a moderator's resolution does to the author: the automated strike lifted when the
post is allowed, a strike when members' reports are upheld, a sanction when one is imposed.
Pure: the handler reads the author's strikes and passes them in."""

from __future__ import annotations

from services.contracts.cases import Case
from services.contracts.events import (
    AuthorSanctioned,
    CaseEvent,
    ModeratorAction,
    SanctionCommand,
    StrikeEvent,
    derived_id,
)
from services.escalation.domain.strikes import (
    automated_decision_id,
    ladder_sanction,
    strike_for,
)
from services.policy.language import Policy


def upheld_strike(
    case: Case, event: CaseEvent, policy: Policy, automated_units: int, before: int
) -> tuple[StrikeEvent | None, AuthorSanctioned | None]:
    """A moderator upheld what members reported: a strike for the author (and the sanction
    it reaches), unless the automated decision already gave one for this post
    (`automated_units`); `before` is the author's strikes in the window."""
    weight = policy.reports.upheld_strikes
    if automated_units or not weight:
        return None, None
    strike_id = derived_id("report-upheld", case.case_id)
    strike = strike_for(
        case, strike_id, weight, f"reports upheld by {event.actor}",
        window_days=policy.strikes.window_days,
    )  # fmt: skip
    sanction = ladder_sanction(
        case, before, weight, policy, derived_id("sanction", strike_id), decided_by=event.actor
    )
    return strike, sanction


def strike_lifted(case: Case, event: CaseEvent, automated_units: int) -> StrikeEvent | None:
    """The removal of the strike the automated decision gave, when a moderator overturns it."""
    if not automated_units:
        return None
    strike_id = automated_decision_id(case.post_id)
    return strike_for(
        case, strike_id, automated_units, f"overturned by {event.actor}", removed=True,
        event_id=derived_id("strike-lifted", strike_id, event.event_id),
    )  # fmt: skip


def moderator_sanction(
    command: ModeratorAction, case: Case, policy: Policy
) -> AuthorSanctioned | None:
    """The sanction a moderator imposed with the `sanction` command, as it was asked for."""
    if not isinstance(command, SanctionCommand):
        return None
    order = command.arguments
    return AuthorSanctioned(
        event_id=derived_id("sanction", command.action_id),
        tenant=case.tenant,
        community=case.community,
        author_id=case.author_id,
        sanction=order.sanction,
        duration_hours=order.duration_hours,
        strikes=0,
        policy=policy.ref,
        post_id=case.post_id,
        decided_by=command.moderator_id,
    )
