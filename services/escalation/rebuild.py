"""Rebuild all of escalation's Redis state from Kafka, then exit.

    python -m services.escalation.rebuild      # KAFKA_BOOTSTRAP_SERVERS, REDIS_URL

Driven by the projection table in `views.py`: drops every `escalation:` key family below and
replays the topics into it, in the table's order:
- the published policies (into memory, beside the policy files), for the reports below;
- decided markers (`escalation:decided:*`) from the automated decisions on the decisions topic;
- strike records (`escalation:strikes:*`) from the strikes topic, lifted strikes included;
- cases, queues, the SLA index and answered commands from the case-events topic;
- reportable posts (`escalation:reportable:*`) from the scored posts of the report window, and
  the report tallies from the reports topic, admitted under the policies in force.

Stop escalation while it runs. A decided marker or an answer whose 30 days are over is not
restored; a restored one keeps the time it had left.
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.escalation.adapters import cases, reports, state
from services.escalation.adapters.effects import State
from services.escalation.adapters.policies import PolicyBook
from services.escalation.config import Settings
from services.escalation.views import PROJECTIONS, Escalation
from services.shared.rebuild import command_line, rebuild_views


async def rebuild(settings: Settings | None = None) -> dict[str, int]:
    settings = settings or Settings()

    def views_of(redis: Redis) -> Escalation:
        book = reports.ReportBook(redis, int(settings.report_window_days * 86400))
        stores = State(
            state.DecisionLedger(redis), state.StrikeLedger(redis), cases.CaseStore(redis),
            cases.ActionLedger(redis), book,
        )  # fmt: skip
        return Escalation(stores, PolicyBook(settings.policy_dir))

    families = (*state.FAMILIES, *cases.FAMILIES, *reports.FAMILIES)
    return await rebuild_views(settings, families, PROJECTIONS, views_of)


if __name__ == "__main__":
    command_line("services.escalation.rebuild", __doc__ or "", rebuild)
