from __future__ import annotations

from services.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8000
    classifier_url: str = "http://127.0.0.1:8002"
    classifier_timeout_seconds: float = 10.0
    ingest_url: str = "http://127.0.0.1:8001"
    kafka_group_id: str = "moderation-gateway"
    kafka_max_records: int = 200
    default_rate_limit_per_minute: int = 600  # per API key, unless the key sets its own
    feed_page_max: int = 500
    sse_heartbeat_seconds: float = 15.0
    moderator_answer_timeout_seconds: float = 10.0
    # SSE streams and moderators waiting for an answer each hold a connection while they wait
    redis_max_connections: int = 2000
    # how long a submitted post is remembered as `pending`; its decision outlives it
    known_post_ttl_seconds: int = 7 * 24 * 3600
    webhook_max_attempts: int = 8
    webhook_backoff_base_seconds: float = 2.0
    webhook_backoff_max_seconds: float = 600.0
    webhook_timeout_seconds: float = 5.0
    webhook_poll_seconds: float = 0.5
    webhook_batch: int = 50
    perspective_languages: str = "en"  # what the running model scores (comma-separated)
    perspective_submit_to_pipeline: bool = False  # also send analyzed comments through ingest
    console_session_hours: int = 12
    # send the console's cookie over HTTPS only; turn off only for plain-HTTP local use
    console_cookie_secure: bool = True
    console_blur_threshold: float = 0.8  # post text scored above this is blurred until revealed
    openai_flag_threshold: float = 0.5
    console_session_hours: int = 12
    # send the console's cookie over HTTPS only; turn off only for plain-HTTP local use
    console_cookie_secure: bool = True
    console_blur_threshold: float = 0.8  # post text scored above this is blurred until revealed
    openai_flag_thresholds: dict[str, float] = {}  # per category, e.g. {"harassment": 0.7}
