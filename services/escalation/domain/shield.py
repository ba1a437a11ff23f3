"""When a member is shielded from a pile-on, in a community. Pure.

- A pile-on pulse detects in a community shields its target there only where that community's
  policy has `shield.automatic`.
- Its end lifts the shield, unless an admin switched it on by hand: a person's call is lifted
  by a person. A shield already on is not switched on again (the switch records the pile-on
  that caused it: the evidence).
- An admin's command switches a shield on or off by hand, whatever the policy says.
"""

from __future__ import annotations

from services.contracts.events import (
    CommunityAlert,
    CommunityAlertKind,
    ShieldChanged,
    ShieldCommand,
    ShieldSource,
    derived_id,
)
from services.policy.language import Policy


def on_alert(
    current: ShieldChanged | None, alert: CommunityAlert, policy: Policy
) -> ShieldChanged | None:
    if not alert.kind.pile_on or alert.target is None:
        return None
    is_on = current is not None and current.on
    if alert.kind is CommunityAlertKind.PILE_ON_ENDED:
        by_pile_on = current is not None and current.source is ShieldSource.PILE_ON
        return (
            _switch(alert, on=False, reason="the pile-on ended") if is_on and by_pile_on else None
        )
    if is_on or not policy.shield.automatic:
        return None
    reason = (
        f"pile-on: {alert.authors} members' negative replies in {alert.window_seconds // 60} "
        f"minutes ({alert.rate:.0%} of {alert.volume}), against a usual of {alert.baseline:g}"
    )
    return _switch(alert, on=True, reason=reason)


def on_command(command: ShieldCommand) -> ShieldChanged:
    return ShieldChanged(
        event_id=derived_id("shield", command.event_id),
        occurred_at=command.occurred_at,  # a redelivered command gives the very same event
        tenant=command.tenant,
        community=command.community,
        member=command.member,
        on=command.on,
        source=ShieldSource.MODERATOR,
        actor=command.moderator_id,
        reason=command.reason,
        cause_id=command.event_id,
    )


def _switch(alert: CommunityAlert, on: bool, reason: str) -> ShieldChanged:
    assert alert.target is not None
    return ShieldChanged(
        event_id=derived_id("shield", alert.event_id),
        occurred_at=alert.occurred_at,  # a redelivered alert gives the very same event
        tenant=alert.tenant,
        community=alert.community,
        member=alert.target,
        on=on,
        reason=reason,
        cause_id=alert.event_id,
    )
