from prometheus_client import Counter

DECISIONS = Counter("escalation_decisions_total", "Decisions published", ["action"])
RULE_MATCHES = Counter("escalation_rule_matches_total", "Rules that matched", ["rule"])
STRIKES = Counter("escalation_strikes_issued_total", "Strike units issued")
SANCTIONS = Counter("escalation_sanctions_total", "Sanctions triggered by strikes", ["sanction"])
ROUTED = Counter("escalation_routed_total", "Decisions sent to a moderator queue", ["queue"])
DUPLICATES = Counter("escalation_duplicates_skipped_total", "Redelivered posts already decided")
ERRORS = Counter("escalation_errors_total", "Errors by kind", ["kind"])


def record(outcomes) -> None:
    for outcome in outcomes:
        decision = outcome.decision
        DECISIONS.labels(decision.action.value).inc()
        for reason in decision.reasons:
            RULE_MATCHES.labels(reason.rule).inc()
        if decision.queue:
            ROUTED.labels(decision.queue).inc()
        if outcome.strike:
            STRIKES.inc(outcome.strike.weight)
        if outcome.sanction:
            SANCTIONS.labels(outcome.sanction.sanction.value).inc()
