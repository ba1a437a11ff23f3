"""A batch that mixes topics goes to each topic's handler, in order."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from services.shared.kafka import by_topic


def record(topic: str, offset: int) -> SimpleNamespace:
    return SimpleNamespace(topic=topic, offset=offset)


async def test_each_topic_gets_its_own_records_in_order() -> None:
    seen: list[tuple[str, list[int]]] = []

    def handler(name: str):
        async def handle(records: list) -> None:
            seen.append((name, [r.offset for r in records]))

        return handle

    batch = [record("cases", 1), record("strikes", 7), record("cases", 2), record("strikes", 8)]
    await by_topic(batch, {"cases": handler("cases"), "strikes": handler("strikes")})

    assert seen == [("cases", [1, 2]), ("strikes", [7, 8])]


async def test_a_topic_without_a_handler_is_an_error_not_a_silent_skip() -> None:
    async def ignore(records: list) -> None:
        pass

    with pytest.raises(KeyError):
        await by_topic([record("unknown", 1)], {"cases": ignore})
