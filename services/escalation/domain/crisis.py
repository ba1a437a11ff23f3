"""When a community's crisis mode switches on or off. Pure.

- An admin moderator's command always applies (a switch to the state it is already in is
  recorded all the same: it says who took charge).
- A negativity wave switches it on only where the community's policy has `crisis.automatic`,
  and not when a moderator switched it off after the wave began: their call stands for that wave.
- The end of a wave lifts only the crisis mode a wave switched on; one a moderator switched on
  stays until a moderator lifts it.
"""

from __future__ import annotations

from services.contracts.events import (
    CommunityAlert,
    CommunityAlertKind,
    CrisisChanged,
    CrisisCommand,
    CrisisSource,
    derived_id,
)
from services.policy.language import Policy

WAVE_ACTOR = "pulse"


def on_command(command: CrisisCommand) -> CrisisChanged:
    return CrisisChanged(
        event_id=derived_id("crisis", command.event_id),
        occurred_at=command.occurred_at,  # a redelivered cause gives the very same event
        tenant=command.tenant,
        community=command.community,
        on=command.on,
        source=CrisisSource.MODERATOR,
        actor=command.moderator_id,
        reason=command.reason,
        cause_id=command.event_id,
    )


def on_alert(
    current: CrisisChanged | None, alert: CommunityAlert, policy: Policy
) -> CrisisChanged | None:
    is_on = current is not None and current.on
    if alert.kind is CommunityAlertKind.WAVE_ENDED:
        if not is_on or current is None or current.source is not CrisisSource.WAVE:
            return None
        return _by_wave(alert, on=False, reason="the negativity wave ended")
    if is_on or not policy.crisis.automatic:
        return None
    overruled = (
        current is not None
        and current.source is CrisisSource.MODERATOR
        and current.occurred_at >= alert.wave_started_at
    )
    if overruled:
        return None
    reason = f"negativity wave: {alert.rate:.0%} negative against a normal of {alert.baseline:.0%}"
    return _by_wave(alert, on=True, reason=reason)


def _by_wave(alert: CommunityAlert, on: bool, reason: str) -> CrisisChanged:
    return CrisisChanged(
        event_id=derived_id("crisis", alert.event_id),
        occurred_at=alert.at,
        tenant=alert.tenant,
        community=alert.community,
        on=on,
        source=CrisisSource.WAVE,
        actor=WAVE_ACTOR,
        reason=reason,
        cause_id=alert.event_id,
    )
