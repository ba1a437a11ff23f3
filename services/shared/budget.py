"""CPU-bound per-post steps run off the event loop and within a time budget, so one record
cannot stall its partition (and, on the event loop, every other tenant's).

The step runs over the whole batch in a worker thread. When the batch overruns its budget
(`seconds` per item), each item is run again alone with its own `seconds`; an item that still
overruns comes back as `Overdue`, for the caller to dead-letter with the reason, and the
consumer goes on. A Python thread cannot be stopped, so an overrun step finishes in the
background: every step must also be bounded by construction (see `services.pulse.sentiment`);
this is the second wall, for the input nobody thought of."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Overdue:
    seconds: float

    @property
    def reason(self) -> str:
        return f"not processed within {self.seconds:g} s"


async def within_budget(
    step: Callable[[T], R], items: Sequence[T], seconds: float
) -> list[R | Overdue]:
    if not items:
        return []
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(lambda: [step(item) for item in items]), seconds * len(items)
        )
    except TimeoutError:
        pass
    found: list[R | Overdue] = []
    for item in items:
        try:
            found.append(await asyncio.wait_for(asyncio.to_thread(step, item), seconds))
        except TimeoutError:
            found.append(Overdue(seconds))
    return found
