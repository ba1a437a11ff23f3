from __future__ import annotations

from services.shared.settings import ServiceSettings
from services.shared.targets import DENIED_NETWORKS


class Settings(ServiceSettings):
    http_port: int = 8000
    classifier_url: str = "http://127.0.0.1:8002"
    classifier_timeout_seconds: float = 10.0
    ingest_url: str = "http://127.0.0.1:8001"
    # where platforms reach the gateway (for the Perspective discovery document's rootUrl);
    # unset: the address the request came to
    gateway_public_url: str | None = None
    kafka_group_id: str = "moderation-gateway"
    kafka_max_records: int = 200
    default_rate_limit_per_minute: int = 600  # per API key, unless the key sets its own
    feed_page_max: int = 500
    sse_heartbeat_seconds: float = 15.0
    # a platform key found is remembered this long (a revocation reaches every replica within it)
    key_memory_seconds: float = 2.0
    # SSE streams each hold a connection while they wait
    redis_max_connections: int = 2000
    # how long a submitted post is remembered as `pending`; its decision outlives it
    known_post_ttl_seconds: int = 7 * 24 * 3600
    # how long a post's text is kept for the conversations moderators see around a case (a
    # parent, thread neighbours, the author's recent posts): memory grows with posts a day
    conversation_keep_hours: float = 48.0

    @property
    def said_seconds(self) -> int:
        return int(self.conversation_keep_hours * 3600)

    webhook_max_attempts: int = 8
    webhook_backoff_base_seconds: float = 2.0
    webhook_backoff_max_seconds: float = 600.0
    webhook_timeout_seconds: float = 5.0
    webhook_poll_seconds: float = 0.5
    webhook_batch: int = 50
    # the languages SuggestCommentScore answers with (AnalyzeComment asks the classifier)
    perspective_languages: str = "en"
    perspective_submit_to_pipeline: bool = False  # also send analyzed comments through ingest
    openai_flag_threshold: float = 0.5
    # webhook targets must not resolve into these networks (SSRF); comma-separated CIDRs
    webhook_deny_networks: str = DENIED_NETWORKS
    # self-hosted platforms on the same private network: allow private and loopback targets
    # (link-local and metadata addresses stay refused)
    webhook_allow_private: bool = False
    openai_flag_thresholds: dict[str, float] = {}  # per category, e.g. {"harassment": 0.7}
