"""Switches every escalation replica holds in memory, replayed from their topic when it starts
(pile-on shields, reporters' mutes), so judging a post or a report reads no Redis: the latest
switch per (tenant, who), kept only while it is on, so memory follows what is switched on now,
not history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from prometheus_client import Gauge

from services.contracts.events import Event

E = TypeVar("E", bound=Event)


class Switches(Generic[E]):
    def __init__(
        self, who: Callable[[E], tuple[str, str]], on: Callable[[E], bool], held: Gauge
    ) -> None:
        self._on: dict[tuple[str, str], E] = {}
        self._who, self._is_on, self._held = who, on, held

    def apply(self, change: E) -> None:
        where = self._who(change)
        current = self._on.get(where)
        if current is not None and current.occurred_at > change.occurred_at:
            return
        if self._is_on(change):
            self._on[where] = change
        else:
            self._on.pop(where, None)
        self._held.set(len(self._on))

    def current(self, tenant: str, who: str) -> E | None:
        return self._on.get((tenant, who))
