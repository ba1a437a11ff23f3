"""Case handling on Kafka: open cases for decisions, answer moderator commands, watch SLAs,
and rebuild the Redis view of cases from the case-events topic."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import Counter, Gauge

from services.contracts import topics
from services.contracts.events import (
    Action,
    AuthorSanctioned,
    CaseEvent,
    CaseEventKind,
    ModeratorAction,
    SanctionKind,
    StrikeEvent,
    derived_id,
)
from services.escalation.adapters.cases import ActionLedger, CaseStore
from services.escalation.adapters.policies import PolicyBook
from services.escalation.adapters.state import StrikeLedger
from services.escalation.config import Settings
from services.escalation.domain.cases import Case, fold, handle, sla_breach
from services.escalation.domain.decisions import moderator_decision
from services.shared.kafka import (
    batch_subscriber,
    decode_batch,
    publish_all,
    read_topic,
)

log = logging.getLogger(__name__)
SERVICE = "escalation"
CASES_OPENED = Counter("escalation_cases_opened_total", "Cases opened", ["queue"])
CASES_RESOLVED = Counter("escalation_cases_resolved_total", "Cases resolved", ["queue"])
COMMANDS_REJECTED = Counter("escalation_commands_rejected_total", "Moderator commands rejected")
SLA_BREACHES = Counter(
    "escalation_sla_breaches_total", "Cases open past their SLA deadline", ["queue"]
)
QUEUE_DEPTH = Gauge("escalation_queue_depth", "Open cases per queue", ["tenant", "queue"])
OLDEST_AGE = Gauge(
    "escalation_queue_oldest_case_age_seconds", "Age of the oldest open case", ["tenant", "queue"]
)


async def apply_case_event(store: CaseStore, event: CaseEvent) -> None:
    """Fold one event into the Redis view (shared by live handling and the rebuild)."""
    previous = await store.get(event.case_id)
    case = fold(previous, event)
    if case is not None and case != previous:
        await store.save(case, previous)


def register(
    broker: KafkaBroker,
    settings: Settings,
    store: CaseStore,
    ledger: ActionLedger,
    book: PolicyBook,
    strikes: StrikeLedger,
) -> None:
    @batch_subscriber(
        broker, topics.MODERATOR_ACTIONS, f"{settings.kafka_group_id}-actions", settings
    )
    async def on_moderator_actions(message: KafkaMessage) -> None:
        # one at a time: each command sees the state the one before it left
        for _, command in await decode_batch(broker, SERVICE, message, ModeratorAction):
            if await ledger.seen(command.action_id):
                continue
            await ledger.mark(command.action_id, await answer(command))

    async def answer(command: ModeratorAction) -> CaseEvent:
        case = await store.get(command.case_id)
        policy = book.for_post(command.tenant, case.community if case else None)
        event = handle(case, command, policy, datetime.now(UTC)).model_copy(
            update={"event_id": derived_id("case-event", command.action_id)}
        )
        key = topics.author_key(command.tenant, command.author_id)
        out = [(event, topics.CASE_EVENTS, key)]
        new = fold(case, event)
        if event.kind is CaseEventKind.REJECTED:
            COMMANDS_REJECTED.inc()
        lifted = None
        if event.kind is CaseEventKind.RESOLVED and new is not None:
            out.append((moderator_decision(new, event, policy), topics.DECISIONS, key))
            CASES_RESOLVED.labels(event.queue).inc()
            if event.resolution is Action.ALLOW:  # overturned: the automated strike goes too
                lifted = await _lifted_strike(strikes, new, event)
                if lifted:
                    out.append((lifted, topics.STRIKES, key))
        sanction = (
            _moderator_sanction(command, new, policy)
            if event.kind is CaseEventKind.RESOLVED
            else None
        )
        if sanction:
            out.append((sanction, topics.SANCTIONS, key))
        await publish_all(broker, out)
        if lifted:
            await strikes.remove(lifted)
        if new is not None and new != case:
            await store.save(new, case)
        return event


def _moderator_sanction(
    command: ModeratorAction, case: Case | None, policy
) -> AuthorSanctioned | None:
    if command.command != "sanction" or case is None:
        return None
    hours = command.arguments.get("duration_hours")
    return AuthorSanctioned(
        event_id=derived_id("sanction", command.action_id),
        tenant=case.tenant,
        community=case.community,
        author_id=case.author_id,
        sanction=SanctionKind(command.arguments["sanction"]),
        duration_hours=int(hours) if hours else None,
        strikes=0,
        policy=policy.ref,
        post_id=case.post_id,
    )


async def _lifted_strike(strikes: StrikeLedger, case: Case, event: CaseEvent) -> StrikeEvent | None:
    """The removal of the strike the automated decision gave, when a moderator overturns it."""
    strike_id = derived_id("decision", case.post_id, "0")
    units = await strikes.units(case.tenant, case.community, case.author_id, strike_id)
    if not units:
        return None
    return StrikeEvent(
        event_id=derived_id("strike-lifted", strike_id, event.event_id),
        strike_id=strike_id,
        tenant=case.tenant,
        community=case.community,
        author_id=case.author_id,
        weight=units,
        removed=True,
        post_id=case.post_id,
        reason=f"overturned by {event.actor}",
    )


async def sla_watch(
    broker: KafkaBroker,
    store: CaseStore,
    book: PolicyBook,
    redis,
    interval: float,
    stop: asyncio.Event,
) -> None:
    """Every `interval` s: escalate open cases past their deadline, refresh queue gauges.

    State lives in Redis (and Kafka), so a restart loses no timer; a lock keeps replicas from
    sweeping at the same time. It stops on `stop`, not on cancellation: a cancelled Redis
    command can surface as an ordinary error, which this loop would otherwise survive.
    """
    while not stop.is_set():
        try:
            if await redis.set("moderation:sla-lock", "1", nx=True, px=int(interval * 3000)):
                try:
                    await _sweep(broker, store, book)
                finally:
                    await redis.delete("moderation:sla-lock")
        except Exception:  # keep watching; the next sweep retries
            log.exception("SLA sweep failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


async def _sweep(broker: KafkaBroker, store: CaseStore, book: PolicyBook) -> None:
    now = datetime.now(UTC)
    for case_id in await store.due(now):
        case = await store.get(case_id)
        if case is None:
            continue
        event = sla_breach(case, book.for_post(case.tenant, case.community), now)
        if event is None:
            continue
        await publish_all(
            broker, [(event, topics.CASE_EVENTS, topics.author_key(case.tenant, case.author_id))]
        )
        await store.save(fold(case, event), case)
        SLA_BREACHES.labels(case.queue).inc()
        log.warning(
            "SLA breached", extra={"case_id": case_id, "from": case.queue, "to": event.queue}
        )
    for (tenant, queue), (depth, oldest) in (await store.queue_stats()).items():
        QUEUE_DEPTH.labels(tenant, queue).set(depth)
        OLDEST_AGE.labels(tenant, queue).set((now - oldest).total_seconds() if oldest else 0)


async def rebuild(bootstrap: str, store: CaseStore) -> int:
    """Drop the Redis view of cases and fold the case-events topic into it again, start to end."""
    await store.flush()
    applied = 0
    async for value in read_topic(bootstrap, topics.CASE_EVENTS):
        await apply_case_event(store, CaseEvent.model_validate_json(value))
        applied += 1
    return applied
