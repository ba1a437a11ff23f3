"""Carries out Effects: publish every message and wait for Kafka's acks, then write state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from faststream.kafka import KafkaBroker

from services.contracts.cases import fold
from services.contracts.events import CaseEvent
from services.escalation.adapters.cases import ActionLedger, CaseStore
from services.escalation.adapters.reports import ReportBook
from services.escalation.adapters.state import DecisionLedger, StrikeLedger
from services.escalation.domain.effects import Effects
from services.shared.kafka import publish_all


@dataclass(frozen=True)
class State:
    """Every store escalation owns."""

    decided: DecisionLedger
    strikes: StrikeLedger
    cases: CaseStore
    answers: ActionLedger
    reports: ReportBook


async def apply_case_event(cases: CaseStore, event) -> None:
    """Fold one event into the case view (shared by live handling and the rebuild)."""
    await apply_case_events(cases, [event])


async def apply_case_events(cases: CaseStore, events: Sequence[CaseEvent]) -> None:
    """Fold case events into the case view, in order: the cases they touch are read in one
    round trip and written in one, however many events (a case's indexes follow from its state
    before and after, so events folded together write what they would one by one)."""
    if not events:
        return
    before = await cases.found(list(dict.fromkeys(event.case_id for event in events)))
    after = dict(before)
    for event in events:
        after[event.case_id] = fold(after[event.case_id], event)
    await cases.save_many(
        [(before[i], case) for i, case in after.items() if case is not None and case != before[i]]
    )


async def carry_out(broker: KafkaBroker, state: State, effects: Effects) -> None:
    await publish_all(broker, [(m.event, m.topic, m.key) for m in effects.messages])
    await state.cases.save_many([(before, after) for before, after in effects.cases])
    await apply_case_events(state.cases, effects.case_events)
    await state.strikes.apply_many(list(effects.strikes))
    await state.decided.mark_decided(list(effects.decided))
    for action_id, answer in effects.answered:
        await state.answers.mark(action_id, answer)
