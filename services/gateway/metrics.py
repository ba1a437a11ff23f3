from prometheus_client import Counter

DECISIONS_MATERIALIZED = Counter(
    "gateway_decisions_materialized_total", "Decisions stored in the read model"
)
DECISIONS_STALE = Counter("gateway_decisions_stale_total", "Redelivered or older decisions ignored")
ERRORS = Counter("gateway_errors_total", "Errors by kind", ["kind"])
