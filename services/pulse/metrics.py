from prometheus_client import Counter

from services.contracts.events import CommunityAlertKind

POSTS_COUNTED = Counter(
    "pulse_posts_counted_total", "Scored posts, decisions and strikes counted into windows"
)
LATE = Counter(
    "pulse_late_counts_total", "Posts that came after their window was published (not counted)"
)
WINDOWS_CLOSED = Counter("pulse_windows_closed_total", "Mood windows closed and published")
ALERTS = Counter(
    "pulse_community_alerts_total", "Negativity waves started, escalated, ended", ["kind"]
)
for _kind in CommunityAlertKind:
    ALERTS.labels(_kind.value)
ERRORS = Counter("pulse_errors_total", "Messages dead-lettered", ["kind"])
REMARKS = Counter(
    "pulse_feedback_remarks_total",
    "Civil criticism kept for the feedback digest (with redeliveries)",
)
DIGESTS = Counter("pulse_feedback_digests_total", "Feedback digests served", ["format"])
TONE_UNREAD = Counter(
    "pulse_tone_unread_total",
    "Scored posts whose tone nothing read (no tone from the classifier's model, and a language "
    "the English lexicon does not read): counted toxic or not, never negative in tone",
)
VIEW_EVENTS = Counter(
    "pulse_view_events_total", "Events applied to pulse's kept views (wave detectors)", ["topic"]
)
