from __future__ import annotations

from pathlib import Path

from services.shared.settings import ServiceSettings

REPO_POLICIES = Path(__file__).resolve().parents[2] / "deploy" / "policies"


class Settings(ServiceSettings):
    http_port: int = 8003
    policy_dir: Path = REPO_POLICIES
    policy_reload_seconds: float = 2.0
    sla_check_seconds: float = 5.0
    kafka_group_id: str = "moderation-escalation"
    # how long a post can still be reported into a case (its scored post is kept that long)
    report_window_days: float = 7.0
