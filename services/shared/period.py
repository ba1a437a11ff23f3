"""A period from what people type: an instant (ISO 8601) or a time ago ("7d", "24h",
"90m"). Pure."""

from __future__ import annotations

import re
from datetime import datetime

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
DEFAULT_DAYS = 7
LONGEST_DAYS = 366


class BadPeriod(ValueError):
    pass


def moment(text: str | None, now: float, default: float) -> float:
    """Unix seconds for an ISO 8601 instant or a time ago; `default` when not given."""
    if text is None or not text.strip():
        return default
    ago = re.fullmatch(r"(\d+)([smhdw])", text.strip())
    if ago:
        return now - int(ago.group(1)) * UNITS[ago.group(2)]
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise BadPeriod(
            f"{text!r} is neither an ISO 8601 instant nor a time ago like 7d"
        ) from error
    if parsed.tzinfo is None:
        raise BadPeriod(f"{text!r} has no time zone: add Z or an offset")
    return parsed.timestamp()


def period(
    since: str | None, until: str | None, now: float, longest_days: float | None = LONGEST_DAYS
) -> tuple[float, float]:
    end = moment(until, now, now)
    start = moment(since, now, end - DEFAULT_DAYS * 86400)
    if start >= end:
        raise BadPeriod("since must be before until")
    if longest_days is not None and end - start > longest_days * 86400:
        raise BadPeriod(f"a period is at most {longest_days:g} days")
    return start, end
