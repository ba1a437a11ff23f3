"""Time to first response, per community and queue: how long members waited for the staff's
first reply to a case's post. Kept as counts per day (a count, a sum and a few buckets), so a
period's figures cost one read per day, never one per case. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.contracts.cases import Case, first_response_seconds

# upper edges, in minutes, of the buckets the waits are counted in; the last is open
BUCKETS = (5, 15, 60, 240, 1440)


def bucket_of(seconds: float) -> str:
    return next((f"le{edge}" for edge in BUCKETS if seconds <= edge * 60), "over")


def first_response(case: Case, before: Case | None) -> float | None:
    """The wait, when this change is the case's first response (once per case)."""
    if before is not None and before.first_response_at is not None:
        return None
    return first_response_seconds(case)


@dataclass(frozen=True)
class ResponseTimes:
    community: str | None
    queue: str
    answered: int
    mean_seconds: float | None
    within: dict[str, int]  # replies within each bucket's edge ("le5": within 5 minutes)

    def share_within(self, minutes: int) -> float | None:
        return self.within.get(f"le{minutes}", 0) / self.answered if self.answered else None


def summed(days: list[dict[str, str]]) -> list[ResponseTimes]:
    """Each (community, queue) over the days' hashes (fields `community\\x1fqueue\\x1fname`)."""
    totals: dict[tuple[str, str], dict[str, float]] = {}
    for fields in days:
        for field, value in fields.items():
            community, queue, name = field.split("\x1f")
            counts = totals.setdefault((community, queue), {})
            counts[name] = counts.get(name, 0.0) + float(value)
    found = []
    for (community, queue), counts in sorted(totals.items()):
        answered = int(counts.get("count", 0))
        running, within = 0, {}
        for edge in BUCKETS:  # cumulative: within 15 minutes includes within 5
            running += int(counts.get(f"le{edge}", 0))
            within[f"le{edge}"] = running
        mean = counts.get("seconds", 0.0) / answered if answered else None
        found.append(ResponseTimes(community if community != "-" else None, queue, answered,
                                   mean, within))  # fmt: skip
    return found


def as_markdown(times: list[ResponseTimes]) -> str:
    """A digest's section: how long the community's members waited for a first reply."""
    lines = ["## Time to first response", ""]
    if not times:
        return "\n".join([*lines, "No reply to a case of this community in the period.", ""])
    lines += ["| Queue | First replies | Mean wait | Within 15 min | Within 4 h |",
              "|---|---:|---:|---:|---:|"]  # fmt: skip
    for t in times:
        mean = "-" if t.mean_seconds is None else f"{t.mean_seconds / 60:.0f} min"
        lines.append(
            f"| {t.queue} | {t.answered} | {mean} | {t.within['le15']} | {t.within['le240']} |"
        )
    return "\n".join([*lines, ""])
