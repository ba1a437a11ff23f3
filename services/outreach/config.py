from __future__ import annotations

from pydantic import SecretStr

from services.shared.settings import ServiceSettings
from services.shared.targets import DENIED_NETWORKS


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
    # scheduled digests (services/outreach/deliveries.py): the SMTP server they go through
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_validate_certs: bool = True  # off only for a test server's self-signed certificate
    smtp_from: str = "moderation@localhost"
    smtp_timeout_seconds: float = 20.0  # a server that hangs counts as a failed attempt
    chat_timeout_seconds: float = 10.0
    chat_allow_http: bool = False  # a chat server on a private network without TLS
    # chat webhooks, like platforms' webhooks, must not resolve into these networks (SSRF)
    chat_deny_networks: str = DENIED_NETWORKS
    chat_allow_private: bool = False  # a chat server on the same private network
    digest_check_seconds: float = 30.0  # how often due digests are looked for
    digest_max_attempts: int = 6  # then the digest is given up (the next period is still sent)
    digest_backoff_base_seconds: float = 30.0
    digest_backoff_max_seconds: float = 3600.0
    # the community health report counts the mood topic's windows of this length (pulse's
    # PULSE_WINDOWS must include it)
    report_window_seconds: int = 3600
