"""The admin API's backtest: a candidate policy on the scored posts of a period, against the
decisions made live (the gateway's, through its internal API) and the moderators' calls on
their cases (the desk's case view). It reads the period of the scored-posts topic, at most
`most` of the platform's posts, and never more than `MAX_SCANNED` records of all platforms."""

from __future__ import annotations

from services.contracts import topics
from services.contracts.cases import case_id_for
from services.contracts.events import Action, Decision, PostScored
from services.desk.adapters.cases import CaseBoard
from services.desk.adapters.decisions import DecisionLedger
from services.policy.backtest import Backtest, backtest
from services.policy.language import Policy, Verdict
from services.shared.kafka import read_events

MAX_SCANNED = 500_000
CHUNK = 500


def live_verdict(decision: Decision) -> Verdict:
    return Verdict(
        action=decision.action, reasons=tuple(decision.reasons), queue=decision.queue,
        matched=tuple(r.rule for r in decision.reasons),
    )  # fmt: skip


async def scored_posts(
    bootstrap: str, tenant: str, community: str | None, since: float, until: float, most: int
) -> tuple[list[PostScored], bool]:
    found, scanned = [], 0
    async for scored in read_events(bootstrap, topics.POSTS_SCORED, PostScored, since=since):
        scanned += 1
        post, at = scored.post, scored.occurred_at.timestamp()
        if post.tenant == tenant and community in (None, post.community) and at < until:
            found.append(scored)
        if len(found) >= most or scanned >= MAX_SCANNED:
            return found, True
    return found, False


async def run_backtest(
    candidate: Policy, history: list[PostScored], decisions: DecisionLedger, cases: CaseBoard
) -> Backtest:
    live: dict[str, Decision] = {}
    calls: dict[str, bool] = {}
    for start in range(0, len(history), CHUNK):
        ids = [s.post.post_id for s in history[start : start + CHUNK]]
        live |= await decisions.first_of(ids)
        for case in await cases.many([case_id_for(i) for i in ids]):
            if case.resolution is not None:
                calls[case.post_id] = case.resolution is not Action.ALLOW

    def active(scored: PostScored) -> Verdict | None:
        found = live.get(scored.post.post_id)
        return live_verdict(found) if found else None

    return backtest(history, candidate, active, calls)
