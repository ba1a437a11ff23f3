"""An open-loop HTTP/1.1 load generator cheap enough to share two cores with the stack it loads.

httpx spends about a millisecond of CPU per request: at 100 posts/s that is a tenth of a core
taken from the services being measured, and the offered rate sags below the asked one. This
one writes pre-encoded requests on keep-alive connections and reads only the status line, the
headers it needs and the body: a few tens of microseconds per request.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    body: bytes


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def exchange(self, request: bytes) -> Answer:
        self.writer.write(request)
        status_line = await self.reader.readline()
        status = int(status_line.split(b" ", 2)[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return Answer(status, await self.reader.readexactly(length) if length else b"")

    def close(self) -> None:
        self.writer.close()


@dataclass
class Client:
    """A pool of keep-alive connections to one host; `post` waits for a free one."""

    url: str
    headers: dict[str, str]
    size: int = 64
    _free: asyncio.Queue = field(default_factory=asyncio.Queue)
    _opened: int = 0

    def request(self, path: str, body: bytes) -> bytes:
        host = urlsplit(self.url).netloc
        head = "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
        return (
            f"POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n"
            f"{head}content-length: {len(body)}\r\n\r\n"
        ).encode() + body

    async def _connection(self) -> Connection:
        if self._free.empty() and self._opened < self.size:
            self._opened += 1
            parts = urlsplit(self.url)
            return Connection(*await asyncio.open_connection(parts.hostname, parts.port))
        return await self._free.get()

    async def post(self, path: str, payload: dict) -> Answer:
        connection = await self._connection()
        try:
            answer = await connection.exchange(self.request(path, json.dumps(payload).encode()))
        except Exception:
            connection.close()
            self._opened -= 1
            raise
        self._free.put_nowait(connection)
        return answer

    async def close(self) -> None:
        while not self._free.empty():
            self._free.get_nowait().close()


async def at_rate(
    client: Client,
    path: str,
    body_of: Callable[[int], dict],
    rate: float,
    seconds: float,
    on_answer: Callable[[float, Answer], None],
) -> float:
    """Send `rate * seconds` requests on a fixed schedule, whatever the answers do; each answer
    is handed to `on_answer` with the wall-clock time its request was due. Returns the rate
    offered."""
    total = int(rate * seconds)
    start = time.perf_counter()
    wall = time.time() - start

    async def send(due: float, i: int) -> None:
        on_answer(wall + due, await client.post(path, body_of(i)))

    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(due, i)))
    await asyncio.gather(*tasks)
    return total / (time.perf_counter() - start)
