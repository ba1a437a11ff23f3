from collections.abc import Iterable
from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram

from services.contracts.cases import first_response_seconds
from services.contracts.events import CaseEventKind, LabeledExample, SanctionKind
from services.escalation.domain.agreement import Kind, Outcome, Review, labels_of
from services.escalation.domain.reports import Admission
from services.policy.language import Policy

DECISIONS = Counter("escalation_decisions_total", "Decisions published", ["action"])
RULE_MATCHES = Counter("escalation_rule_matches_total", "Rules that matched", ["rule"])
STRIKES = Counter("escalation_strikes_issued_total", "Strike units issued")
SANCTIONS = Counter("escalation_sanctions_total", "Sanctions triggered by strikes", ["sanction"])
ROUTED = Counter("escalation_routed_total", "Decisions sent to a moderator queue", ["queue"])
DUPLICATES = Counter("escalation_duplicates_skipped_total", "Redelivered posts already decided")
ERRORS = Counter("escalation_errors_total", "Errors by kind", ["kind"])
SHADOW = Counter(
    "escalation_shadow_decisions_total", "Decisions of shadow policies", ["policy", "action"]
)
SHADOW_DISAGREEMENTS = Counter(
    "escalation_shadow_disagreements_total",
    "Shadow decisions that differ from the live one",
    ["policy", "active_action", "shadow_action"],
)

CASES_OPENED = Counter("escalation_cases_opened_total", "Cases opened", ["queue"])
CASES_RESOLVED = Counter("escalation_cases_resolved_total", "Cases resolved", ["queue"])
COMMANDS_REJECTED = Counter("escalation_commands_rejected_total", "Moderator commands rejected")
SLA_BREACHES = Counter(
    "escalation_sla_breaches_total", "Cases open past their SLA deadline", ["queue"]
)
# Moderator commands as the case transitions they became (appeals among them; `rejected` when
# refused), every kind exported from the start.
CASE_TRANSITIONS = Counter(
    "escalation_case_transitions_total",
    "Case events made from moderators' commands, by kind",
    ["kind"],
)
for _kind in CaseEventKind:
    CASE_TRANSITIONS.labels(_kind.value)
QUEUE_DEPTH = Gauge("escalation_queue_depth", "Open cases per queue", ["tenant", "queue"])
OLDEST_AGE = Gauge(
    "escalation_queue_oldest_case_age_seconds", "Age of the oldest open case", ["tenant", "queue"]
)


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
        if outcome.case:
            CASES_OPENED.labels(outcome.case.queue).inc()
        if outcome.sanction:
            SANCTIONS.labels(outcome.sanction.sanction.value).inc()
        if shadow := outcome.shadow:
            name = f"{shadow.policy.id}@{shadow.policy.version}"
            SHADOW.labels(name, shadow.action.value).inc()
            if shadow.action != shadow.active_action:
                SHADOW_DISAGREEMENTS.labels(
                    name, shadow.active_action.value, shadow.action.value
                ).inc()


REPORTS = Counter(
    "escalation_reports_total", "Members' reports, by whether they counted", ["admission"]
)
for _admission in Admission:
    REPORTS.labels(_admission.value)
for _sanction in SanctionKind:
    SANCTIONS.labels(_sanction.value)

CRISIS_SWITCHES = Counter(
    "escalation_crisis_switches_total",
    "Crisis mode switched on or off, by a moderator or by a wave",
    ["source", "to"],
)
IN_CRISIS = Gauge(
    "escalation_communities_in_crisis", "Communities whose crisis mode is switched on"
)
SHIELD_SWITCHES = Counter(
    "escalation_shield_switches_total",
    "Members shielded from a pile-on, or no longer, by a pile-on or by a moderator",
    ["source", "to"],
)
REPORTERS_MUTED = Gauge("escalation_reporters_muted", "Members whose reports are muted now")
SHIELDED = Gauge("escalation_members_shielded", "Members shielded from a pile-on now")
SHIELDED_POSTS = Counter(
    "escalation_shielded_posts_total", "Posts judged as aimed at a shielded member"
)
for _to in ("on", "off"):
    for _source in ("wave", "moderator"):
        CRISIS_SWITCHES.labels(_source, _to)
    for _source in ("pile_on", "moderator"):
        SHIELD_SWITCHES.labels(_source, _to)

AUTOMATION_REVIEWS = Counter(
    "escalation_automation_reviews_total",
    "Automated holds and escalations a moderator resolved, by rule: upheld or overturned",
    ["rule", "outcome"],
)
AUTOMATION_LABEL_REVIEWS = Counter(
    "escalation_automation_label_reviews_total",
    "The same reviews, by the labels the rules test",
    ["label", "outcome"],
)
APPEALS_DECIDED = Counter(
    "escalation_appeals_decided_total",
    "Appeals of automated restrictions decided, by rule: upheld or overturned",
    ["rule", "outcome"],
)


def record_review(review: Review) -> None:
    counter = AUTOMATION_REVIEWS if review.kind is Kind.REVIEW else APPEALS_DECIDED
    for rule in review.rules:
        counter.labels(rule, review.outcome.value).inc()
    if review.kind is Kind.REVIEW:
        for label in review.labels:
            AUTOMATION_LABEL_REVIEWS.labels(label, review.outcome.value).inc()


def rules_known(policy: Policy) -> None:
    """Every rule and label of a loaded policy at 0, so the agreement rates exist from the
    start (and `increase()` sees the first review)."""
    for rule in policy.rules:
        for outcome in Outcome:
            AUTOMATION_REVIEWS.labels(rule.id, outcome.value)
            APPEALS_DECIDED.labels(rule.id, outcome.value)
            for label in labels_of((rule.id,), policy):
                AUTOMATION_LABEL_REVIEWS.labels(label, outcome.value)


POST_TO_DECISION = Histogram(
    "moderation_post_to_decision_seconds",
    "From ingest accepting a post to its automated decision being published",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)


def observe_latency(submitted: list[datetime | None], published_at: datetime) -> None:
    """Posts scored by a classifier older than `submitted_at` are left out."""
    for at in submitted:
        if at is not None:
            POST_TO_DECISION.observe(max(0.0, (published_at - at).total_seconds()))


def queues_known(queues: Iterable[str]) -> None:
    """Export a policy's queues at 0 from the moment it is loaded, so a dashboard shows every
    queue and `increase()` sees a queue's first breach."""
    for queue in queues:
        for counter in (SLA_BREACHES, CASES_OPENED, CASES_RESOLVED, RESPONSE_SLA_BREACHES):
            counter.labels(queue)


LABELED_EXAMPLES = Counter(
    "escalation_labeled_examples_total",
    "Labeled examples published for the model, by source (moderators' reviews and appeals)",
    ["source"],
)
for _source in ("moderator_review", "moderator_appeal"):
    LABELED_EXAMPLES.labels(_source)


def record_example(example: LabeledExample | None) -> LabeledExample | None:
    if example is not None:
        LABELED_EXAMPLES.labels(example.source).inc()
    return example


VIEW_EVENTS = Counter(
    "escalation_view_events_total",
    "Events applied through the projection table (published policies, crisis switches)",
    ["topic"],
)


FIRST_RESPONSE = Histogram(
    "escalation_first_response_seconds",
    "From a case opening to the first reply to its post, by the queue it was in",
    ["queue"],
    buckets=(60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800),
)
RESPONSE_SLA_BREACHES = Counter(
    "escalation_response_sla_breaches_total",
    "Complaints unanswered past their queue's response SLA",
    ["queue"],
)


def record_reply(event, before, after) -> None:
    """A reply recorded on a case: its transition, and the first response's wait."""
    CASE_TRANSITIONS.labels(event.kind.value).inc()
    waited = first_response_seconds(after) if after is not None else None
    if waited is not None and before is not None and before.first_response_at is None:
        FIRST_RESPONSE.labels(event.queue).observe(waited)
    if event.kind is CaseEventKind.ANSWERED:
        CASES_RESOLVED.labels(event.queue).inc()


def record_answer(answered) -> None:
    """A moderator's command answered (`domain.answers.Answer`)."""
    event = answered.event
    CASE_TRANSITIONS.labels(event.kind.value).inc()
    if event.kind is CaseEventKind.REJECTED:
        COMMANDS_REJECTED.inc()
    if answered.resolved is not None:
        CASES_RESOLVED.labels(event.queue).inc()
    if answered.review is not None:
        record_review(answered.review)
    record_example(answered.example)
