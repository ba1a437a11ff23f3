"""One table per service says which topic feeds which of its views: topic -> (event model,
apply). The same table drives live consumption (`project`, for a batch that mixes the topics)
and `rebuild` (`replay`, each topic from its start), so the two cannot drift apart.

`apply(views, event, live)` is told whether it runs live: a rebuild must not do what only the
live path does (answer a moderator waiting on a command, send a webhook). It returns False for
an event it did not apply (a rebuild counts the rest). A busy topic's projection takes a whole
batch instead (`many`: `apply(views, events, live)` returns how many it applied), one round
trip per batch; a live-only one (`rebuilt=False`: a webhook to send, nothing to keep) is left
out of rebuilds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter

from services.shared.decoding import Reads, Received
from services.shared.kafka import read_events

Apply = Callable[[Any, Any, bool], Awaitable[object]]


@dataclass(frozen=True)
class Projection:
    model: Any  # an event model, or a union of them
    apply: Apply
    many: bool = False
    rebuilt: bool = True


Table = Mapping[str, Projection]


async def project(table: Table, views: Any, received: Received, applied: Counter) -> None:
    """A live batch, decoded by the subscriber: each topic's events applied in order;
    `applied` counts them by topic."""
    for topic in received:
        projection, events = table[topic], received.events(topic)
        if projection.many:
            await projection.apply(views, events, True)
        else:
            for event in events:
                await projection.apply(views, event, True)
        applied.labels(topic).inc(len(events))


def reads_of(service: str, table: Table, errors: Counter, *only: str) -> Reads:
    """What a subscriber fed by `table` reads (`only` these of its topics, when given)."""
    return Reads(service, {t: p.model for t, p in table.items() if not only or t in only}, errors)


async def replay(bootstrap: str, table: Table, views: Any, batch: int = 500) -> dict[str, int]:
    """Every rebuilt topic of the table from its start into the views (a rebuild); events
    applied per topic."""
    counts: dict[str, int] = {}
    for topic, projection in table.items():
        if not projection.rebuilt:
            continue
        counts[topic], pending = 0, []
        async for event in read_events(bootstrap, topic, projection.model):
            if not projection.many:
                counts[topic] += await projection.apply(views, event, False) is not False
                continue
            pending.append(event)
            if len(pending) == batch:
                counts[topic] += await projection.apply(views, pending, False)
                pending = []
        if pending:
            counts[topic] += await projection.apply(views, pending, False)
    return counts
