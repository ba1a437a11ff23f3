from __future__ import annotations

from services.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8006
    kafka_group_id: str = "moderation-outreach"
    gateway_url: str = "http://127.0.0.1:8000"  # its internal decisions API: may a post be answered
    gateway_timeout_seconds: float = 10.0
    pulse_url: str = "http://127.0.0.1:8004"  # the digest's themes and the posts they took
    pulse_timeout_seconds: float = 10.0
    # at most this many members are told of a fixed theme in one go (the rest: send again)
    tell_members_max: int = 1000
    # a reply longer than this is refused (422): the platforms' own limit on a post's length
    reply_max_chars: int = 2000
    # how long a reply to a case waits for escalation to record it before answering `pending`
    reply_answer_timeout_seconds: float = 10.0
