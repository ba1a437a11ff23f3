"""Settings every service shares; each service's own Settings class extends this one."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_client_id: str = "moderation"
    kafka_partitions: int | None = None  # overrides every topic's partition count when set
    # copies of each topic a service creates, at most one per broker (3: two must be in sync)
    kafka_replication_factor: int = Field(default=3, ge=1)
    # A few ms of linger lets concurrent publishes share a request: less broker CPU on small boxes.
    kafka_linger_ms: int = 5
    kafka_max_records: int = 100  # per consumed batch
    # How long an idle batch consumer waits for records before it polls again. Records are
    # handed over as soon as they arrive, so a long wait costs no latency, only fewer idle
    # wake-ups.
    kafka_batch_timeout_ms: int = 1000
    # How long Kafka holds a consumer's fetch while there is nothing new (it answers as soon as
    # something arrives). Longer means fewer idle requests, but a consumer has one fetch in
    # flight per broker, and it leaves out partitions whose records are still being handled:
    # once those are done they wait for the fetch in flight. At 3 s, partitions starved behind
    # idle ones, and a consumer catching up on history crawled.
    kafka_fetch_max_wait_ms: int = 500
    # While posts come fast enough (three or more expected within the wait), the per-post
    # consumer groups (the classifier's, escalation's scored posts, the gateway's decisions and
    # posts, pulse's posts) let Kafka hold each fetch to fill it instead of answering with the
    # first record: for the time KAFKA_FILL_RECORDS take to come at the current rate, at most
    # this long. Fuller batches, fewer wake-ups and requests per post, for that wait per hop in
    # latency; a busier group waits less. Slower, and idle, they answer at once as before.
    # 0: never. Measured in docs/capacity.md.
    kafka_fill_wait_ms: int = Field(default=200, ge=0)
    kafka_fill_records: int = Field(default=8, ge=1)
    # Batch consumers commit what they handled at most this often (services/shared/consumer.py):
    # at 100 posts/s it halved Kafka's CPU per post and p99 latency; 0 commits after every batch.
    kafka_commit_interval_ms: int = 1000
    kafka_lag_seconds: float = 15.0  # how often consumer lag is read for /metrics (0: never)
    redis_url: str = "redis://127.0.0.1:6379/0"
    log_level: str = "INFO"
    shutdown_grace_seconds: float = 20.0
    # a request body over this is refused with 413 before it is parsed (routes that take more,
    # such as ingest's batch, have their own setting)
    max_body_bytes: int = 1_048_576
    # shared by the services' internal APIs and their callers (services/shared/internal.py)
    internal_token: SecretStr | None = None
