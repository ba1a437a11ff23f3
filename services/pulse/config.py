from __future__ import annotations

from typing import Literal

from services.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8004
    kafka_group_id: str = "moderation-pulse"
    # Window lengths in seconds; the first (shortest) is the one the wave detector watches.
    pulse_windows: str = "300,3600,86400"
    # A window closes this long after its end, so posts scored a little late still count.
    pulse_grace_seconds: float = 10.0
    pulse_tick_seconds: float = 2.0  # how often due windows are closed
    pulse_samples: int = 5  # negative post ids kept per window as evidence
    # Detector defaults (services/pulse/domain/detector.py); per community tuning comes later.
    pulse_start: float = 6.0
    pulse_escalate: float = 15.0
    pulse_end: float = 1.3
    pulse_min_volume: int = 20
    pulse_min_lift: float = 0.05
    pulse_cooldown_windows: int = 3
    pulse_warmup_windows: int = 6
    # Per community or per platform, over the defaults above, e.g.
    # {"acme/games": {"start": 4.0, "min_volume": 50}, "acme": {"min_lift": 0.1}}
    pulse_tuning: dict[str, dict[str, float]] = {}
    # Pile-ons (services/pulse/domain/pileon.py): replies and mentions aimed at one member
    pileon_window_seconds: int = 600
    pileon_min_authors: int = 8  # distinct members with negative replies in one window
    pileon_min_share: float = 0.6  # of the replies the member got in it
    pileon_baseline_factor: float = 3.0  # times the member's usual negative authors
    pileon_cooldown_windows: int = 2  # quiet windows before it ends

    # Where a new consumer group starts on the posts: "earliest" counts the topics' history
    # (windows long closed are dropped as late, but the digest keeps the criticism); "latest"
    # starts with what comes next (a pulse added to a busy cluster, or a test beside others).
    pulse_start_from: Literal["earliest", "latest"] = "earliest"
    # Cases opened in this queue are civil criticism for the digest (the default policy's).
    pulse_feedback_queue: str = "feedback"
    # a post whose tone is not read within this is dead-lettered and the consumer goes on
    pulse_post_budget_seconds: float = 2.0
    pulse_feedback_keep: int = 20_000  # remarks kept per community (the latest)
    pulse_digest_max_posts: int = 5_000  # remarks read per period for one digest

    @property
    def windows(self) -> list[int]:
        return [int(w) for w in self.pulse_windows.split(",") if w.strip()]
