from __future__ import annotations

from services.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8005
    gateway_url: str = "http://127.0.0.1:8000"  # its internal decisions API
    gateway_timeout_seconds: float = 10.0
    ingest_url: str = "http://127.0.0.1:8001"  # the CLI's `keys create --wait` asks it
    pulse_url: str = "http://127.0.0.1:8004"  # its feedback digest
    pulse_timeout_seconds: float = 10.0
    outreach_url: str = "http://127.0.0.1:8006"  # replies, templates, response times
    # a reply to a case waits there up to 10 s for escalation to record it
    outreach_timeout_seconds: float = 15.0
    kafka_group_id: str = "moderation-desk"
    kafka_max_records: int = 200
    default_rate_limit_per_minute: int = 600  # per platform key reading the pulse views
    key_memory_seconds: float = 2.0
    moderator_answer_timeout_seconds: float = 10.0
    # moderators waiting for an answer each hold a connection while they wait
    redis_max_connections: int = 500
    console_session_hours: int = 12
    # send the console's cookie over HTTPS only; turn off only for plain-HTTP local use
    console_cookie_secure: bool = True
    console_blur_threshold: float = 0.8  # post text scored above this is blurred until revealed
    # a moderator token admits no one after this (sessions opened with it end with it)
    moderator_token_hours: float = 12.0
