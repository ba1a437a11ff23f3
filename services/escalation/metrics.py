from prometheus_client import Counter

DECISIONS = Counter("escalation_decisions_total", "Decisions published", ["action"])
RULE_MATCHES = Counter("escalation_rule_matches_total", "Rules that matched", ["rule"])
DUPLICATES = Counter("escalation_duplicates_skipped_total", "Redelivered posts already decided")
ERRORS = Counter("escalation_errors_total", "Errors by kind", ["kind"])
