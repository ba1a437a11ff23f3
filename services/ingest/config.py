from __future__ import annotations

from services.shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8001
    max_text_chars: int = 20_000
    max_metadata_bytes: int = 16_384
    # 500 posts of 20,000 characters fit as plain text; a larger batch is refused with 413
    max_batch_body_bytes: int = 33_554_432
    gateway_public_url: str = "http://127.0.0.1:8000"
    # A claim that was never confirmed as published (crash between claim and publish) may be
    # re-published by a retry after this long; downstream dedupes by post_id anyway.
    stale_claim_seconds: float = 30.0
    kafka_group_id: str = "moderation-ingest"
    # per platform key, unless the key sets its own; a batch request counts once
    default_rate_limit_per_minute: int = 6000
    report_memory_days: float = 30.0  # a repeat report within this is answered `duplicate`
    # Kafka must acknowledge a post within this, or the platform gets 503 with Retry-After.
    publish_timeout_seconds: float = 0.8
    retry_after_seconds: int = 5
    # How long a replica trusts a platform key it has read (a revocation reaches every replica
    # within this plus a poll); 0 reads Redis on every request.
    key_memory_seconds: float = 2.0
