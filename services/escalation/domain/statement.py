"""The DSA Article 17 statement of reasons for an automated decision. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.contracts.events import Action, Restriction, StatementOfReasons
from services.policy.language import Policy, SanctionStep, Verdict

VISIBILITY = {
    Action.LABEL: "labelled",
    Action.HOLD: "held",
    Action.REMOVE: "removed",
    Action.ESCALATE: "held",  # hidden while a moderator reviews it
}
ACCOUNT = {"warn": "warned", "mute": "muted", "suspend": "suspended", "ban": "banned"}


def automated_statement(
    verdict: Verdict,
    scores: dict[str, float],
    policy: Policy,
    decided_at: datetime,
    sanction: SanctionStep | None = None,
) -> StatementOfReasons | None:
    if verdict.action is Action.ALLOW:
        return None
    score_facts = ", ".join(f"{label} {value:.2f}" for label, value in sorted(scores.items()))
    facts = [f"automated scores: {score_facts}"]
    facts += [
        f"rule {reason.rule} ({reason.action.value}): {reason.detail}" for reason in verdict.reasons
    ]
    restriction = Restriction(
        visibility=VISIBILITY[verdict.action],
        account=ACCOUNT[sanction.sanction.value] if sanction else None,
        duration_hours=sanction.duration_hours if sanction else None,
    )
    human_next = verdict.action in (Action.HOLD, Action.ESCALATE)
    deadline = decided_at + timedelta(days=policy.appeal_days)
    return StatementOfReasons(
        restriction=restriction,
        facts=facts,
        automated_detection=True,
        # A held or escalated post waits for a moderator: the automated step is provisional.
        automation="partly_automated" if human_next else "fully_automated",
        ground=f"{policy.id} v{policy.version}: {verdict.clause}",
        redress=f"The author may appeal within {policy.appeal_days} days; a different moderator decides the appeal.",
        appeal_deadline=deadline,
    )
