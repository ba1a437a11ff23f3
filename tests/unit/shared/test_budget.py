"""A slow item is found and set apart; the others are answered; the event loop stays free."""

from __future__ import annotations

import asyncio
import time

from services.shared.budget import Overdue, within_budget


def step(item: float) -> float:
    time.sleep(item)
    return item * 2


async def test_a_batch_within_its_budget_is_answered_in_order() -> None:
    assert await within_budget(step, [0.0, 0.01, 0.0], seconds=1) == [0.0, 0.02, 0.0]


async def test_the_item_that_overruns_is_overdue_and_the_rest_are_answered() -> None:
    found = await within_budget(step, [0.0, 1.5, 0.0], seconds=0.3)
    assert found[0] == 0.0 and found[2] == 0.0
    assert isinstance(found[1], Overdue) and "0.3 s" in found[1].reason


async def test_the_event_loop_keeps_turning_while_a_step_runs() -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    await within_budget(step, [0.3], seconds=1)
    ticker.cancel()
    assert ticks >= 10
