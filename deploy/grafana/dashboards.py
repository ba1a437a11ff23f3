"""The Grafana dashboards, built with Grafana's own typed builders (grafana-foundation-sdk):
`python -m deploy.grafana.dashboards` writes `deploy/grafana/dashboards/*.json`, which Grafana
provisions (see `provisioning/`). Edit here, regenerate, commit both: a unit test fails when the
JSON and this file disagree, and `tests/e2e/test_observability.py` runs every query against a
real Prometheus scraping the stack.
"""

from __future__ import annotations

from pathlib import Path

from grafana_foundation_sdk.builders import common, dashboard, prometheus, stat, table, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as kinds
from grafana_foundation_sdk.models.dashboard import DataSourceRef, GridPos

OUT = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="prometheus")  # provisioning/datasources
PANELS = {"timeseries": timeseries.Panel, "stat": stat.Panel, "table": table.Panel}


def q(expr: str, legend: str = "") -> prometheus.Dataquery:
    return prometheus.Dataquery().expr(" ".join(expr.split())).legend_format(legend)


def panel(
    title: str,
    queries: tuple[prometheus.Dataquery, ...],
    unit: str = "short",
    kind: str = "timeseries",
    description: str = "",
) -> timeseries.Panel | stat.Panel | table.Panel:
    built = PANELS[kind]().title(title).description(description).datasource(DATASOURCE)
    for n, query in enumerate(queries):
        built = built.with_target(query.ref_id(chr(ord("A") + n)).datasource(DATASOURCE))
    if kind == "timeseries":
        built = built.legend(
            common.VizLegendOptions()
            .display_mode(kinds.LegendDisplayMode.LIST)
            .placement(kinds.LegendPlacement.BOTTOM)
            .show_legend(True)
        )
    return built.unit(unit)


def board(uid: str, title: str, description: str, panels: tuple) -> dashboard.Dashboard:
    """Two panels a row, each 12 wide and 8 high, in the order given."""
    built = (
        dashboard.Dashboard(title).uid(uid).description(description).tags(["moderation"])
        .timezone("utc").refresh("30s").time("now-6h", "now").editable()
    )  # fmt: skip
    for index, each in enumerate(panels):
        place = GridPos(h=8, w=12, x=12 * (index % 2), y=8 * (index // 2))
        built = built.with_panel(each.id(index + 1).grid_pos(place))
    return built


# Every replica of a consumer reports its whole group's lag: max over replicas, then sum.
GROUP_LAG = "sum by (group) (max by (group, topic, partition) (kafka_consumer_lag))"

OVERVIEW = board(
    "moderation-overview",
    "Moderation: overview",
    "Throughput, latency, errors and lag of the whole pipeline.",
    (
        panel(
            "Posts accepted",
            (q("sum(rate(ingest_posts_accepted_total[5m]))", "posts/s"),),
            "reqps",
        ),
        panel(
            "Automated decisions by action",
            (q("sum by (action) (rate(escalation_decisions_total[5m]))", "{{action}}"),),
            "reqps",
        ),
        panel(
            "Accepted to decided (p50, p99)",
            (
                q(
                    "histogram_quantile(0.5, sum by (le) "
                    "(rate(moderation_post_to_decision_seconds_bucket[5m])))",
                    "p50",
                ),
                q(
                    "histogram_quantile(0.99, sum by (le) "
                    "(rate(moderation_post_to_decision_seconds_bucket[5m])))",
                    "p99",
                ),
            ),
            "s",
            description="From ingest's 202 to the decision on Kafka. Alert: DecisionsSlow.",
        ),
        panel(
            "Consumer lag by group",
            (q(GROUP_LAG, "{{group}}"),),
            description="Messages not yet committed. Alert: ConsumerLagGrowing.",
        ),
        panel(
            "HTTP requests by service",
            (q("sum by (service) (rate(http_requests_total[5m]))", "{{service}}"),),
            "reqps",
        ),
        panel(
            "HTTP 5xx share by service",
            (
                q(
                    # a service with no 5xx shows 0, not a gap
                    '(sum by (service) (rate(http_requests_total{status=~"5.."}[5m])) '
                    "or 0 * sum by (service) (rate(http_requests_total[5m]))) "
                    "/ sum by (service) (rate(http_requests_total[5m]))",
                    "{{service}}",
                ),
            ),
            "percentunit",
            description="Alert: HttpErrors.",
        ),
        panel(
            "HTTP p95 by route",
            (
                q(
                    "histogram_quantile(0.95, sum by (service, route, le) "
                    "(rate(http_request_duration_seconds_bucket[5m])))",
                    "{{service}} {{route}}",
                ),
            ),
            "s",
            description="Streams (SSE) count until they close.",
        ),
        panel(
            "Dead letters in the last hour",
            (
                q(
                    "sum by (source_topic, reason) (increase(moderation_dead_letters_total[1h]))",
                    "{{source_topic}} {{reason}}",
                ),
            ),
            kind="table",
            description="Alert: DeadLetters; see docs/runbook.md.",
        ),
        panel(
            "Dependencies answering",
            (q("min by (job, dependency) (moderation_dependency_up)", "{{job}} {{dependency}}"),),
            kind="stat",
            description="1: the dependency answered at the last scrape. Alert: ReadinessFailing.",
        ),
        panel(
            "Services up",
            (
                q(
                    'up{job=~"gateway|desk|ingest|classifier|escalation|pulse"}',
                    "{{job}} {{instance}}",
                ),
            ),
            kind="stat",
        ),
    ),
)

MODERATION = board(
    "moderation-work",
    "Moderation: decisions, queues and cases",
    "What the policies decide and what waits for moderators.",
    (
        panel(
            "Decisions by action",
            (q("sum by (action) (rate(escalation_decisions_total[5m]))", "{{action}}"),),
            "reqps",
        ),
        panel(
            "Rule matches",
            (q("sum by (rule) (rate(escalation_rule_matches_total[5m]))", "{{rule}}"),),
            "reqps",
        ),
        panel(
            "Open cases by queue",
            (q("sum by (queue) (escalation_queue_depth)", "{{queue}}"),),
        ),
        panel(
            "Oldest open case by queue",
            (q("max by (queue) (escalation_queue_oldest_case_age_seconds)", "{{queue}}"),),
            "s",
        ),
        panel(
            "SLA breaches in 24 h by queue",
            (q("sum by (queue) (increase(escalation_sla_breaches_total[24h]))", "{{queue}}"),),
            kind="table",
            description="Alert: SlaBreaches.",
        ),
        panel(
            "Cases opened and resolved",
            (
                q("sum(rate(escalation_cases_opened_total[5m]))", "opened"),
                q("sum(rate(escalation_cases_resolved_total[5m]))", "resolved"),
            ),
            "reqps",
        ),
        panel(
            "Appeals and refused commands",
            (
                q(
                    "sum by (kind) (increase(escalation_case_transitions_total"
                    '{kind=~"appealed|rejected"}[1h]))',
                    "{{kind}}",
                ),
            ),
            description="Appeals filed; moderator commands escalation refused (e.g. a claim race).",
        ),
        panel(
            "Moderator commands by outcome",
            (
                q(
                    "sum by (command, outcome) (increase(desk_moderator_commands_total[1h]))",
                    "{{command}} {{outcome}}",
                ),
            ),
        ),
        panel(
            "Strikes and sanctions",
            (
                q("sum(rate(escalation_strikes_issued_total[1h]))", "strikes/s"),
                q("sum by (sanction) (rate(escalation_sanctions_total[1h]))", "{{sanction}}"),
            ),
        ),
        panel(
            "Members' reports by admission",
            (q("sum by (admission) (rate(escalation_reports_total[1h]))", "{{admission}}"),),
        ),
        panel(
            "Precision of automation by rule (7 d): share of reviews upheld",
            (
                q(
                    'sum by (rule) (increase(escalation_automation_reviews_total{outcome="upheld"}[7d]))'
                    " / sum by (rule) (increase(escalation_automation_reviews_total[7d]))",
                    "{{rule}}",
                ),
            ),
            "percentunit",
            kind="table",
            description="Moderators restricting what automation held or escalated; "
            "`policy agreement --since 7d` gives the same per label.",
        ),
        panel(
            "Appeals overturned by rule (30 d)",
            (
                q(
                    'sum by (rule) (increase(escalation_appeals_decided_total{outcome="overturned"}[30d]))'
                    " / sum by (rule) (increase(escalation_appeals_decided_total[30d]))",
                    "{{rule}}",
                ),
            ),
            "percentunit",
            kind="table",
        ),
    ),
)

CLASSIFIER = board(
    "moderation-classifier",
    "Moderation: classifier",
    "Scoring throughput, batching and inference time, and the model in use.",
    (
        panel(
            "Texts scored by source",
            (q("sum by (source) (rate(classifier_texts_scored_total[5m]))", "{{source}}"),),
            "reqps",
        ),
        panel(
            "Batch size (p50, p95)",
            (
                q(
                    "histogram_quantile(0.5, sum by (le) (rate(classifier_batch_size_bucket[5m])))",
                    "p50",
                ),
                q(
                    "histogram_quantile(0.95, sum by (le) (rate(classifier_batch_size_bucket[5m])))",
                    "p95",
                ),
            ),
            description="Batches of 1 under load: raise CLASSIFIER_MAX_WAIT_MS.",
        ),
        panel(
            "Inference time per batch (p50, p95)",
            (
                q(
                    "histogram_quantile(0.5, sum by (le) "
                    "(rate(classifier_inference_seconds_bucket[5m])))",
                    "p50",
                ),
                q(
                    "histogram_quantile(0.95, sum by (le) "
                    "(rate(classifier_inference_seconds_bucket[5m])))",
                    "p95",
                ),
            ),
            "s",
            description="Alert: ClassifierSlow.",
        ),
        panel(
            "Texts waiting for a batch",
            (q("sum(classifier_queue_depth)", "waiting"),),
        ),
        panel(
            "Classifier lag",
            (
                q(
                    GROUP_LAG.replace(
                        "(kafka_consumer_lag)", '(kafka_consumer_lag{job="classifier"})'
                    ),
                    "{{group}}",
                ),
            ),
        ),
        panel(
            "Model in use",
            (q("count by (id, version, labels) (classifier_model_info)", "{{id}} {{version}}"),),
            kind="table",
        ),
    ),
)

WEBHOOKS = board(
    "moderation-webhooks",
    "Moderation: webhooks",
    "Deliveries of decisions and sanctions to platforms.",
    (
        panel(
            "Deliveries by outcome",
            (
                q(
                    "sum by (outcome) (rate(gateway_webhook_deliveries_total[5m]))",
                    "{{outcome}}",
                ),
            ),
            "reqps",
        ),
        panel(
            "Deliveries waiting",
            (q("sum(gateway_webhook_retry_backlog)", "waiting"),),
        ),
        panel(
            "Oldest waiting delivery",
            (q("max(gateway_webhook_oldest_pending_seconds)", "oldest"),),
            "s",
            description="Alert: WebhookBacklog.",
        ),
        panel(
            "Webhook requests to the API",
            (
                q(
                    'sum by (route, status) (rate(http_requests_total{route=~"/v1/webhooks.*"}[1h]))',
                    "{{route}} {{status}}",
                ),
            ),
            "reqps",
        ),
    ),
)

MOOD = board(
    "moderation-mood",
    "Moderation: community mood",
    "Pulse at work: posts counted into mood windows, windows closed, negativity waves. Each "
    "community's own mood is in the communities API (per-community series would not scale).",
    (
        panel(
            "Posts counted into mood windows",
            (q("sum(rate(pulse_posts_counted_total[5m]))", "posts/s"),),
            "reqps",
        ),
        panel(
            "Mood windows closed",
            (q("sum(rate(pulse_windows_closed_total[5m]))", "windows/s"),),
            "reqps",
        ),
        panel(
            "Negativity waves in the last 24 h",
            (
                q(
                    "sum by (kind) (increase(pulse_community_alerts_total[24h]))",
                    "{{kind}}",
                ),
            ),
            kind="table",
            description="Alert: NegativityWave.",
        ),
        panel(
            "Communities in crisis mode",
            (q("max(escalation_communities_in_crisis)", "in crisis"),),
            description="Switched by an admin or by a wave (policy crisis.automatic).",
        ),
        panel(
            "Crisis switches in the last 24 h",
            (
                q(
                    "sum by (source, to) (increase(escalation_crisis_switches_total[24h]))",
                    "{{source}} {{to}}",
                ),
            ),
            kind="table",
        ),
        panel(
            "Feedback digest: civil criticism kept, digests served",
            (
                q("sum(rate(pulse_feedback_remarks_total[1h]))", "remarks/s"),
                q(
                    "sum by (format) (increase(pulse_feedback_digests_total[24h]))",
                    "digests {{format}}",
                ),
            ),
        ),
        panel(
            "Posts whose tone nothing read",
            (q("sum(rate(pulse_tone_unread_total[1h]))", "posts/s"),),
            description="No tone from the classifier's model, in a language the English lexicon "
            "does not read: counted toxic or not, never negative in tone. The more of them, the "
            "less the mood reads of the community.",
        ),
        panel(
            "Posts that came after their window closed",
            (q("sum(increase(pulse_late_counts_total[1h]))", "late"),),
            description="Pulse was behind by more than PULSE_GRACE_SECONDS.",
        ),
        panel(
            "Pulse lag",
            (
                q(
                    GROUP_LAG.replace("(kafka_consumer_lag)", '(kafka_consumer_lag{job="pulse"})'),
                    "{{group}}",
                ),
            ),
        ),
    ),
)

DASHBOARDS = (OVERVIEW, MODERATION, CLASSIFIER, WEBHOOKS, MOOD)


def queries() -> list[tuple[str, str]]:
    """(dashboard / panel, expression) for every query of every panel."""
    return [
        (f"{built.title} / {each.title}", target.expr)
        for built in (d.build() for d in DASHBOARDS)
        for each in built.panels or []
        for target in each.targets or []
    ]


def rendered() -> dict[str, str]:
    """File name -> the JSON text, as committed."""
    encoder = JSONEncoder(sort_keys=True, indent=2)
    return {f"{d.build().uid}.json": encoder.encode(d.build()) + "\n" for d in DASHBOARDS}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, text in rendered().items():
        (OUT / name).write_text(text)
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
