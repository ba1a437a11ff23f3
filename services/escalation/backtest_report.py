"""`policy backtest FILE --since 7d`: a candidate policy replayed on the scored-posts topic of
the period, against the policies in force (the policy files) and the moderators' calls on the
case-events topic. Reads the period, not the history (cases from `lookback` before it)."""

from __future__ import annotations

import time

from services.contracts import topics
from services.contracts.events import Action, CaseEvent, CaseEventKind, PostScored
from services.escalation.adapters.policies import PolicyBook
from services.escalation.config import Settings
from services.policy.backtest import backtest, judge_again
from services.policy.language import Policy
from services.shared.kafka import read_events
from services.shared.period import period


async def moderator_calls(settings: Settings, since: float, tenant: str | None) -> dict[str, bool]:
    """Post id -> whether its last resolution restricted it (an appeal's overrides a review's)."""
    calls: dict[str, bool] = {}
    bootstrap = settings.kafka_bootstrap_servers
    async for event in read_events(bootstrap, topics.CASE_EVENTS, CaseEvent, since=since):
        if event.kind is CaseEventKind.RESOLVED and (tenant is None or event.tenant == tenant):
            calls[event.post_id] = event.resolution is not Action.ALLOW
    return calls


async def backtest_report(
    candidate: Policy, since: str, until: str | None, tenant: str | None,
    lookback_days: float, settings: Settings, active: Policy | None = None,
) -> dict:  # fmt: skip
    start, end = period(since, until, time.time())
    book = PolicyBook(settings.policy_dir)
    calls = await moderator_calls(settings, start - lookback_days * 86400, tenant)
    history = [
        scored
        async for scored in read_events(
            settings.kafka_bootstrap_servers, topics.POSTS_SCORED, PostScored, since=start
        )
        if scored.occurred_at.timestamp() < end and (tenant is None or scored.post.tenant == tenant)
    ]
    found = backtest(
        history, candidate, judge_again(lambda t, c: active or book.for_post(t, c)), calls
    )
    return {"since": start, "until": end, "tenant": tenant, "candidate": candidate.ref.model_dump(),
            **found.view()}  # fmt: skip
