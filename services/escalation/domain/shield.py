"""When a member is shielded from a pile-on. Pure.

- A pile-on pulse detects shields its target only where the policy has `shield.automatic`.
- Its end lifts the shield. A shield already on is not switched on again (the switch records
  the pile-on that caused it: the evidence).
"""

from __future__ import annotations

from services.contracts.events import CommunityAlert, CommunityAlertKind, ShieldChanged, derived_id
from services.policy.language import Policy


def on_alert(
    current: ShieldChanged | None, alert: CommunityAlert, policy: Policy
) -> ShieldChanged | None:
    if not alert.kind.pile_on or alert.target is None:
        return None
    is_on = current is not None and current.on
    if alert.kind is CommunityAlertKind.PILE_ON_ENDED:
        return _switch(alert, on=False, reason="the pile-on ended") if is_on else None
    if is_on or not policy.shield.automatic:
        return None
    reason = (
        f"pile-on: {alert.authors} members' negative replies in {alert.window_seconds // 60} "
        f"minutes ({alert.rate:.0%} of {alert.volume}), against a usual of {alert.baseline:g}"
    )
    return _switch(alert, on=True, reason=reason)


def _switch(alert: CommunityAlert, on: bool, reason: str) -> ShieldChanged:
    assert alert.target is not None
    return ShieldChanged(
        event_id=derived_id("shield", alert.event_id),
        occurred_at=alert.occurred_at,  # a redelivered alert gives the very same event
        tenant=alert.tenant,
        member=alert.target,
        on=on,
        reason=reason,
        cause_id=alert.event_id,
    )
