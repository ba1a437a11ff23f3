from prometheus_client import Counter, Gauge, Histogram

DECISIONS_MATERIALIZED = Counter(
    "gateway_decisions_materialized_total", "Decisions stored in the read model"
)
DECISIONS_STALE = Counter("gateway_decisions_stale_total", "Redelivered or older decisions ignored")
ERRORS = Counter("gateway_errors_total", "Errors by kind", ["kind"])
AUTH_FAILURES = Counter("gateway_auth_failures_total", "Refused requests", ["reason"])
WEBHOOK_DELIVERIES = Counter(
    "gateway_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (delivered, failed, dead_lettered)",
    ["outcome"],
)
for _outcome in ("delivered", "failed", "dead_lettered"):  # exported at 0 from the start
    WEBHOOK_DELIVERIES.labels(_outcome)
WEBHOOK_TARGETS_REFUSED = Counter(
    "gateway_webhook_targets_refused_total",
    "Webhook URLs refused by the deny list (SSRF), at registration or delivery",
    ["stage"],
)
WEBHOOK_BACKLOG = Gauge("gateway_webhook_retry_backlog", "Webhook deliveries not yet delivered")
WEBHOOK_OLDEST_PENDING = Gauge(
    "gateway_webhook_oldest_pending_seconds", "Age of the oldest pending webhook delivery"
)
COMPAT_REQUESTS = Counter(
    "gateway_compat_requests_total", "Perspective / OpenAI compatible requests", ["api", "status"]
)
COMPAT_SECONDS = Histogram(
    "gateway_compat_seconds",
    "Latency of the compatible endpoints",
    ["api"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
SSE_CLIENTS = Gauge("gateway_sse_clients", "Open decision streams")
SANCTIONS_MATERIALIZED = Counter(
    "gateway_sanctions_materialized_total", "Sanctions stored and sent to platforms"
)
REPLIES_MATERIALIZED = Counter(
    "gateway_replies_materialized_total", "The desk's replies put on the feed and sent to platforms"
)
VIEW_EVENTS = Counter(
    "gateway_view_events_total", "Events applied to the gateway's own views", ["topic"]
)
