"""Carries out Effects: publish every message and wait for Kafka's acks, then write state."""

from __future__ import annotations

from dataclasses import dataclass

from faststream.kafka import KafkaBroker

from services.contracts.cases import fold
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
    previous = await cases.get(event.case_id)
    case = fold(previous, event)
    if case is not None and case != previous:
        await cases.save(case, previous)


async def carry_out(broker: KafkaBroker, state: State, effects: Effects) -> None:
    await publish_all(broker, [(m.event, m.topic, m.key) for m in effects.messages])
    for before, after in effects.cases:
        await state.cases.save(after, before)
    for event in effects.case_events:
        await apply_case_event(state.cases, event)
    for strike in effects.strikes:
        await state.strikes.apply(strike)
    await state.decided.mark_decided(list(effects.decided))
    for action_id, answer in effects.answered:
        await state.answers.mark(action_id, answer)
