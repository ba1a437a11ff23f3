"""The detector on the mood topic: a closed window of the watched length moves the
community's detector one step; an alert becomes a CommunityAlert event. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts.events import CommunityAlert, CommunityAlertKind, MoodWindow, derived_id
from services.pulse.domain.detector import Alert, DetectorState, Tuning, Window, step


def watch(
    window: MoodWindow, state: DetectorState, last_end: float, tuning: Tuning
) -> tuple[DetectorState, CommunityAlert | None] | None:
    """None for a window the detector has already seen (a redelivery, or one out of order)."""
    end = window.ends_at.timestamp()
    if end <= last_end:
        return None
    seen = Window(window.volume, window.negative, end, tuple(window.samples))
    new, alert = step(state, seen, tuning)
    return new, (alert_event(window, alert) if alert else None)


def alert_event(window: MoodWindow, alert: Alert) -> CommunityAlert:
    evidence = alert.evidence
    return CommunityAlert(
        event_id=derived_id(
            "community-alert",
            window.tenant,
            window.community or "",
            alert.kind.value,
            str(alert.at),
        ),
        tenant=window.tenant,
        community=window.community,
        kind=CommunityAlertKind(alert.kind.value),
        window_seconds=window.window_seconds,
        wave_started_at=datetime.fromtimestamp(alert.started_at, UTC),
        at=datetime.fromtimestamp(alert.at, UTC),
        volume=evidence.volume,
        negative=evidence.negative,
        rate=evidence.rate,
        baseline=evidence.baseline,
        surprise=evidence.surprise,
        samples=list(evidence.samples),
    )
