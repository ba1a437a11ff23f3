"""What the fast handler tests share: a recorder of what a handler publishes."""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker


class Sink:
    """Every message published on some topics, as the JSON bodies a consumer would see."""

    def __init__(self, broker: KafkaBroker, *names: str) -> None:
        self.seen: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        for name in names:
            broker.subscriber(name)(self._recorder(name))

    def _recorder(self, name: str):
        async def record(body: dict) -> None:
            self.seen[name].append(body)

        return record
