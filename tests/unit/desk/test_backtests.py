"""The admin API's backtest compares a candidate with the decisions made live."""

from __future__ import annotations

from services.contracts.events import Action, Decision, PolicyRef, Reason
from services.desk.backtests import live_verdict
from services.policy.backtest import backtest
from tests.unit.escalation.test_backtest import CALLS, HISTORY, STRICTER


def decision(post_id: str, action: Action, rules: tuple[str, ...] = ()) -> Decision:
    return Decision(
        post_id=post_id, tenant="acme", author_id="u", action=action,
        reasons=[Reason(rule=r, action=action, detail="") for r in rules],
        policy=PolicyRef(id="live", version="1"), queue="general" if action is Action.HOLD else None,
    )  # fmt: skip


def test_the_live_decision_is_the_active_side_and_posts_without_one_are_left_out() -> None:
    live = {
        "p0": decision("p0", Action.HOLD, ("very-toxic",)),
        "p1": decision("p1", Action.LABEL, ("toxic",)),
        "p3": decision("p3", Action.ALLOW),
    }  # p2 has no decision in the gateway yet
    found = backtest(
        HISTORY, STRICTER, lambda s: live_verdict(live[s.post.post_id]) if s.post.post_id in live
        else None, CALLS,
    ).view()  # fmt: skip
    assert found["posts"] == 3
    assert found["transitions"] == {"label -> hold": 1}
    assert found["rules"]["active"]["very-toxic"] == {
        "matched": 1, "precision": 1.0, "recall": 0.5, "judged": 1,
    }  # fmt: skip
    assert found["cases_per_day"]["active"] == {"general": 0.5}  # one in two days
