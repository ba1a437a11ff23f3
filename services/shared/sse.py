"""Server-Sent Events over a Redis stream, for the gateway's feed and the desk's live console:
each entry after the cursor goes out as `id:` (the stream id, for `Last-Event-ID`), `event:`
and `data:`, with a keep-alive comment when nothing came for a while. Blocking reads of a second
at most, so a client that left is noticed within a second."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse
from prometheus_client import Gauge

_CURSOR = re.compile(r"^(\d{1,20})-(\d{1,20})$")
_MAX_ID_PART = 2**64 - 1
Wait = Callable[[str], Awaitable[list[tuple[str, Any]]]]  # the entries after a cursor
Render = Callable[[Any], tuple[str, str]]  # an entry -> (event, data)


async def event_stream(
    request: Request, wait: Wait, after: str, heartbeat: float, render: Render, clients: Gauge
) -> AsyncIterator[str]:
    clients.inc()
    try:
        yield "retry: 3000\n\n"
        last_beat = time.monotonic()
        while not await request.is_disconnected():
            batch = await wait(after)
            for cursor, entry in batch:
                after = cursor
                event, data = render(entry)
                yield f"id: {cursor}\nevent: {event}\ndata: {data}\n\n"
            if not batch and time.monotonic() - last_beat > heartbeat:
                last_beat = time.monotonic()
                yield ": keep-alive\n\n"
    finally:
        clients.dec()


def valid_cursor(cursor: str) -> bool:
    """A Redis stream id: two unsigned 64-bit numbers, `<ms>-<seq>`."""
    match = _CURSOR.match(cursor)
    return bool(match) and all(int(part) <= _MAX_ID_PART for part in match.groups())


def sse_response(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )
