from prometheus_client import Counter, Gauge

ERRORS = Counter("desk_errors_total", "Errors by kind", ["kind"])
AUTH_FAILURES = Counter("desk_auth_failures_total", "Refused requests", ["reason"])
MODERATOR_COMMANDS = Counter(
    "desk_moderator_commands_total",
    "Moderator commands by outcome (accepted, rejected, forbidden, timeout)",
    ["command", "outcome"],
)
VIEW_EVENTS = Counter("desk_view_events_total", "Events applied to the desk's views", ["topic"])
BULK_CASES = Counter(
    "desk_bulk_cases_total",
    "Cases of bulk actions by outcome (done, refused, rejected, timeout)",
    ["outcome"],
)
LIVE_CLIENTS = Gauge("desk_live_clients", "Consoles following their cases live (SSE)")
MODERATOR_CALLS = Counter(
    "desk_moderator_calls_total",
    "Moderators' calls: decided, appealed, upheld or overturned on appeal, appeals decided",
    ["tenant", "moderator", "kind"],
)
