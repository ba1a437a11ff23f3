from prometheus_client import Counter, Histogram

POSTS_ACCEPTED = Counter("ingest_posts_accepted_total", "Posts accepted and published", ["tenant"])
POSTS_DUPLICATE = Counter(
    "ingest_posts_duplicate_total", "Re-submissions answered without publishing"
)
POSTS_REJECTED = Counter("ingest_posts_rejected_total", "Submissions rejected", ["reason"])
PUBLISH_SECONDS = Histogram(
    "ingest_publish_seconds",
    "Time to publish a PostSubmitted with acks=all",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
AUTH_FAILURES = Counter("ingest_auth_failures_total", "Requests refused by auth", ["code"])
KEY_EVENTS = Counter("ingest_key_events_total", "Platform key changes applied", ["change"])
ERRORS = Counter("ingest_consume_errors_total", "Messages dead-lettered", ["kind"])
REPORTS = Counter("ingest_reports_total", "Members' reports taken", ["result"])
VIEW_EVENTS = Counter(
    "ingest_view_events_total", "Events applied to ingest's views (platform keys)", ["topic"]
)
