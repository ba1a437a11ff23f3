"""What escalation keeps, and which topic rebuilds each view: its projection table.

Escalation writes its views as it publishes (write-through: the next post must see an author's
strike before the decision that gave it is out), through `carry_out`, which calls the same
stores these functions do. The table is what `rebuild` replays, in its order (policies before
the reports admitted under them, scored posts before the reports about them); policies and
crisis switches and pile-on shields are also consumed live through it, by every replica.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from services.contracts import topics
from services.contracts.events import (
    CaseEvent,
    CrisisChanged,
    Decision,
    GoldenCase,
    PolicyPublished,
    PostReported,
    PostScored,
    ReporterMuted,
    ShieldChanged,
    StrikeEvent,
)
from services.escalation.adapters import cases, state
from services.escalation.adapters.crisis import CrisisBoard
from services.escalation.adapters.effects import State, apply_case_event
from services.escalation.adapters.golden import GoldenBook
from services.escalation.adapters.mutes import MuteBoard
from services.escalation.adapters.policies import PolicyBook
from services.escalation.adapters.shields import ShieldBoard
from services.escalation.domain.reports import Tally, admit
from services.policy.language import Policy
from services.policy.text import PolicyError, published_policy
from services.shared.projections import Projection


@dataclass(frozen=True)
class Escalation:
    """What the handlers work with; set once in the broker's context by `create_app`."""

    state: State
    book: PolicyBook
    crisis: CrisisBoard = field(default_factory=CrisisBoard)
    shields: ShieldBoard = field(default_factory=ShieldBoard)
    mutes: MuteBoard = field(default_factory=MuteBoard)
    goldens: GoldenBook = field(default_factory=GoldenBook)


def left(occurred_at: float, ttl: int) -> int:
    """Seconds a restored entry has left of the `ttl` it was given when the event occurred."""
    return int(occurred_at + ttl - time.time())


def policy_of(event: PolicyPublished) -> Policy | None:
    """The policy an event publishes (None: withdrawn); raises PolicyError if it is invalid."""
    return published_policy(event.tenant, event.name, event.text, event.withdrawn)


async def apply_policy(views: Escalation, event: PolicyPublished, _: bool) -> bool:
    """Live, an invalid policy is dead-lettered (`handlers.on_policies`); replayed, skipped."""
    try:
        views.book.publish(f"{event.name}.yaml", policy_of(event))
    except PolicyError:
        return False
    return True


async def apply_crisis(views: Escalation, change: CrisisChanged, _: bool) -> None:
    views.crisis.apply(change)


async def apply_shield(views: Escalation, change: ShieldChanged, _: bool) -> None:
    views.shields.apply(change)


async def apply_mute(views: Escalation, change: ReporterMuted, _: bool) -> None:
    views.mutes.apply(change)


async def apply_golden(views: Escalation, golden: GoldenCase, _: bool) -> None:
    views.goldens.apply(golden)


async def apply_decision(views: Escalation, decision: Decision, _: bool) -> bool:
    """An automated decision marks its post decided, for the time the mark had left."""
    ttl = left(decision.occurred_at.timestamp(), state.DECIDED_TTL_SECONDS)
    if decision.revision != 0 or ttl <= 0:
        return False
    await views.state.decided.mark_decided([decision.post_id], ttl=ttl)
    return True


async def apply_strike(views: Escalation, strike: StrikeEvent, _: bool) -> None:
    await views.state.strikes.apply(strike)


async def apply_case(views: Escalation, event: CaseEvent, _: bool) -> None:
    """Folded into its case; a moderator's command it answered stays answered."""
    await apply_case_event(views.state.cases, event)
    ttl = left(event.occurred_at.timestamp(), cases.ANSWER_TTL_SECONDS)
    if event.action_id and ttl > 0:
        await views.state.answers.mark(event.action_id, event, ttl=ttl)


async def keep_reportable(views: Escalation, scored: PostScored, _: bool) -> bool:
    """A scored post can be reported to a moderator for the report window."""
    book = views.state.reports
    ttl = left(scored.occurred_at.timestamp(), book.window)
    if ttl <= 0:
        return False
    await book.keep_scored([scored], ttl=ttl)
    return True


async def record_report(views: Escalation, report: PostReported, _: bool) -> None:
    """Admitted again under the policy in force (the live path also opens the case: on its
    topic already)."""
    book = views.state.reports
    scored = await book.scored(report.post_id)
    policy = views.book.for_post(report.tenant, scored.post.community if scored else None)
    await book.record(report, admit(await tally_of(views, report), policy))


async def tally_of(views: Escalation, report: PostReported) -> Tally:
    """The post's reports so far, and whether this reporter is muted (as of the report)."""
    tally = await views.state.reports.tally(report)
    muted = views.mutes.muted(report.tenant, report.reporter_id, report.occurred_at)
    return replace(tally, reporter_muted=muted)


PROJECTIONS = {
    topics.POLICIES: Projection(PolicyPublished, apply_policy),
    # in memory, read from the start by every replica as it starts: nothing to rebuild
    topics.CRISIS: Projection(CrisisChanged, apply_crisis, rebuilt=False),
    topics.SHIELDS: Projection(ShieldChanged, apply_shield, rebuilt=False),
    # in memory too, but replayed in a rebuild as well: the reports after it are admitted by it
    topics.REPORTER_MUTES: Projection(ReporterMuted, apply_mute),
    topics.GOLDEN: Projection(GoldenCase, apply_golden, rebuilt=False),
    topics.DECISIONS: Projection(Decision, apply_decision),
    topics.STRIKES: Projection(StrikeEvent, apply_strike),
    topics.CASE_EVENTS: Projection(CaseEvent, apply_case),
    topics.POSTS_SCORED: Projection(PostScored, keep_reportable),
    topics.REPORTS: Projection(PostReported, record_report),
}
