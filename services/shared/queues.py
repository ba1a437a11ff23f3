"""How a service that keeps its own view of cases indexes them in its own Redis keys: open
cases by queue order and by opening time, and the answers people wait for. Each service names
its keys; the writes and the waits are the same."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from services.contracts.cases import Case, case_to_json, queue_rank
from services.contracts.events import CaseEvent

KeyOf = Callable[[str, str], str]  # (tenant, queue) -> key


@dataclass(frozen=True)
class CaseKeys:
    case: Callable[[str], str]  # case_id -> key
    queue: KeyOf  # open cases by priority, then SLA deadline
    opened: KeyOf  # open cases by when they were opened


def write_case(pipe, keys: CaseKeys, case: Case, previous: Case | None) -> None:
    """Queue the writes that store `case` (which was `previous`) on a Redis pipeline."""
    pipe.set(keys.case(case.case_id), case_to_json(case))
    if previous and previous.queue != case.queue:
        pipe.zrem(keys.queue(previous.tenant, previous.queue), case.case_id)
        pipe.zrem(keys.opened(previous.tenant, previous.queue), case.case_id)
    if case.is_open:
        pipe.zadd(keys.queue(case.tenant, case.queue), {case.case_id: queue_rank(case)})
        opened = case.opened_at.timestamp()
        pipe.zadd(keys.opened(case.tenant, case.queue), {case.case_id: opened})
    else:
        pipe.zrem(keys.queue(case.tenant, case.queue), case.case_id)
        pipe.zrem(keys.opened(case.tenant, case.queue), case.case_id)


async def answer_on(redis, key: str, timeout: float) -> CaseEvent | None:
    """The case event pushed onto the list `key` (the answer to a command or a reply, once the
    service's view has applied it), or None after `timeout` s. Waits in slices of a second: a
    blocking read must end well inside the client's socket timeout (redis-py's default is 5 s)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        found = await redis.blpop([key], timeout=max(0.01, min(1.0, left)))
        if found:
            return CaseEvent.model_validate_json(found[1])
    return None
