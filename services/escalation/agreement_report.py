"""`policy agreement`: how often moderators upheld automation, and how often appeals
overturned it, per rule and per label, over a period of the case-events topic.

Cases are folded from `lookback` before the period, so a case opened before it and resolved
in it still counts; rules are mapped to labels with the policy files in force now.
"""

from __future__ import annotations

import time

from services.contracts import topics
from services.contracts.cases import Case, fold
from services.contracts.events import CaseEvent, CaseEventKind
from services.escalation.adapters.policies import PolicyBook
from services.escalation.config import Settings
from services.escalation.domain.agreement import Review, agreement, review_of
from services.shared.kafka import read_events
from services.shared.period import period


async def agreement_report(
    since: str, until: str | None, tenant: str | None, lookback_days: float, settings: Settings
) -> dict:
    start, end = period(since, until, time.time())
    book = PolicyBook(settings.policy_dir)
    cases: dict[str, Case] = {}
    reviews: list[Review] = []
    first = start - lookback_days * 86400
    async for event in read_events(
        settings.kafka_bootstrap_servers, topics.CASE_EVENTS, CaseEvent, since=first
    ):
        if tenant and event.tenant != tenant:
            continue
        before = cases.get(event.case_id)
        after = fold(before, event)
        if after is None:
            continue
        cases[event.case_id] = after
        at = event.occurred_at.timestamp()
        if event.kind is CaseEventKind.RESOLVED and start <= at < end:
            review = review_of(before, after, book.for_post(after.tenant, after.community))
            if review is not None:
                reviews.append(review)
        if not after.is_open and after.appealed:
            cases.pop(event.case_id)  # decided on appeal: nothing more can happen to it
    found = agreement(reviews)
    return {
        "since": start,
        "until": end,
        "tenant": tenant,
        "reviews": sum(1 for r in reviews if r.kind == "review"),
        "appeals": sum(1 for r in reviews if r.kind == "appeal"),
        "table": found.table(),
    }
