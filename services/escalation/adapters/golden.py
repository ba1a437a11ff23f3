"""The tenants' golden cases: every replica holds them in memory, replayed from the golden
topic (the desk's) when it starts; at most MAX_PER_TENANT each, the newest kept."""

from __future__ import annotations

from services.contracts.events import GoldenCase

MAX_PER_TENANT = 1000


class GoldenBook:
    def __init__(self) -> None:
        self._of: dict[str, dict[str, GoldenCase]] = {}

    def apply(self, golden: GoldenCase) -> None:
        kept = self._of.setdefault(golden.tenant, {})
        kept.pop(golden.case_id, None)
        if not golden.withdrawn:
            kept[golden.case_id] = golden
        while len(kept) > MAX_PER_TENANT:
            kept.pop(next(iter(kept)))

    def of(self, tenant: str) -> list[GoldenCase]:
        """In a fixed order, so every replica picks the same one for a post."""
        return sorted(self._of.get(tenant, {}).values(), key=lambda g: g.case_id)

    def get(self, tenant: str, case_id: str | None) -> GoldenCase | None:
        return self._of.get(tenant, {}).get(case_id) if case_id else None
