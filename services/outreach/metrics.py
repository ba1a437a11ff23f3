from __future__ import annotations

from prometheus_client import Counter, Histogram

REPLIES = Counter(
    "outreach_replies_total",
    "Replies to members by outcome (answered: a complaint closed; responded: recorded on an "
    "open case; sent: no case; rejected, pending, already_sent)",
    ["outcome"],
)
for _outcome in ("answered", "responded", "sent", "rejected", "pending", "already_sent"):
    REPLIES.labels(_outcome)
FIRST_RESPONSES = Counter(
    "outreach_first_responses_total", "Cases whose post got its first reply, by queue", ["queue"]
)
ERRORS = Counter("outreach_errors_total", "Errors by kind", ["kind"])
VIEW_EVENTS = Counter(
    "outreach_view_events_total", "Events applied through the projection table", ["topic"]
)
DIGESTS = Counter(
    "outreach_digest_deliveries_total",
    "Scheduled digests by channel (email, chat) and outcome (sent, failed: retried, given_up)",
    ["channel", "outcome"],
)
for _channel in ("email", "chat"):
    for _outcome in ("sent", "failed", "given_up"):
        DIGESTS.labels(_channel, _outcome)
REPORT_CPU = Histogram(
    "outreach_health_report_cpu_seconds",
    "CPU time outreach spends building one health report (its reads and the page)",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5),
)
