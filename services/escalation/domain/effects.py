"""From what escalation decided to what it does: the messages to publish and the writes to its
own state that follow them. Pure, so the step is tested without a broker or Redis.

Order matters and is the adapter's to keep: every message is acknowledged by Kafka first, and
only then is state written. A crash in between redelivers the input, which recomputes the same
effects (event ids are derived), so nothing is lost and nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.contracts import topics
from services.contracts.cases import Case
from services.contracts.events import (
    AuthorSanctioned,
    CaseEvent,
    Decision,
    Event,
    GoldenScored,
    LabeledExample,
    StrikeEvent,
)
from services.escalation.domain.decisions import Outcome


@dataclass(frozen=True)
class Message:
    event: Event
    topic: str
    key: bytes


@dataclass(frozen=True)
class Effects:
    messages: tuple[Message, ...] = ()
    cases: tuple[tuple[Case | None, Case], ...] = ()  # (before, after) for the case view
    case_events: tuple[CaseEvent, ...] = ()  # folded into the case view (before is read there)
    decided: tuple[str, ...] = ()  # posts that now have their automated decision
    strikes: tuple[StrikeEvent, ...] = ()  # given or lifted, for the strike ledger
    answered: tuple[tuple[str, CaseEvent], ...] = ()  # (action_id, answer) for the ledger


def _message(event: Event, topic: str, tenant: str, author_id: str) -> Message:
    return Message(event, topic, topics.author_key(tenant, author_id))


def of_outcomes(outcomes: Iterable[Outcome]) -> Effects:
    """A batch of automated decisions: each decision with its strike, sanction, case and
    shadow decision, keyed by author so one author's events stay in order."""
    messages: list[Message] = []
    case_events: list[CaseEvent] = []
    decided: list[str] = []
    for outcome in outcomes:
        d = outcome.decision
        parts: list[tuple[Event | None, str]] = [
            (d, topics.DECISIONS),
            (outcome.strike, topics.STRIKES),
            (outcome.sanction, topics.SANCTIONS),
            (outcome.case, topics.CASE_EVENTS),
            (outcome.shadow, topics.SHADOW_DECISIONS),
        ]
        messages += [_message(e, t, d.tenant, d.author_id) for e, t in parts if e is not None]
        if outcome.case:
            case_events.append(outcome.case)
        decided.append(d.post_id)
    return Effects(messages=tuple(messages), case_events=tuple(case_events), decided=tuple(decided))


def of_report(events: Iterable[CaseEvent]) -> Effects:
    """What a counted report does to the case view: its case events, in order."""
    events = tuple(events)
    return Effects(
        messages=tuple(_message(e, topics.CASE_EVENTS, e.tenant, e.author_id) for e in events),
        case_events=events,
    )


def of_answer(
    action_id: str,
    before: Case | None,
    answer: CaseEvent,
    after: Case | None,
    decision: Decision | None = None,
    sanction: AuthorSanctioned | None = None,
    lifted: StrikeEvent | None = None,
    upheld: tuple[StrikeEvent | None, AuthorSanctioned | None] = (None, None),
    example: LabeledExample | None = None,
    score: GoldenScored | None = None,
) -> Effects:
    """One moderator command: the answering case event first (the audit trail), then the
    updated decision, the sanction and the lifted strike it caused, the strike (and
    sanction) for an upheld report, and the resolution as a labeled example for the model (or,
    for a golden case's copy, only the score of the call)."""
    extra: list[Event | None] = [decision, lifted, sanction, *upheld, example, score]
    topic_of = {
        Decision: topics.DECISIONS,
        StrikeEvent: topics.STRIKES,
        LabeledExample: topics.LABELED_EXAMPLES,
        GoldenScored: topics.GOLDEN_SCORES,
    }
    messages = [_message(answer, topics.CASE_EVENTS, answer.tenant, answer.author_id)]
    for event in extra:
        if event is not None:
            topic = topic_of.get(type(event), topics.SANCTIONS)
            messages.append(_message(event, topic, answer.tenant, answer.author_id))
    changed = after is not None and after != before
    return Effects(
        messages=tuple(messages),
        cases=((before, after),) if changed and after is not None else (),
        strikes=tuple(s for s in (lifted, upheld[0]) if s is not None),
        answered=((action_id, answer),),
    )
