"""The alert rules: valid, unit-tested with promtool (Debian's `prometheus` package; `make test`
installs it), every alert with a runbook section, every metric they read exported by the code."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULES = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
ALERTS = [rule for group in RULES["groups"] for rule in group["rules"]]
PROMQL_WORDS = {
    "by", "and", "or", "offset", "sum", "max", "min", "rate", "increase", "time", "absent",
    "histogram_quantile", "up", "le", "job", "instance", "status", "group", "topic",
    "partition", "queue", "source_topic", "reason", "dependency", "m",
}  # fmt: skip


def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: apt-get install prometheus (make test does it as root)"
    return found


def run_promtool(*args: str) -> str:
    done = subprocess.run(
        [promtool(), *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_rules_are_valid() -> None:
    assert f"{len(ALERTS)} rules found" in run_promtool("check", "rules", "alerts.yml")


def test_the_rules_pass_their_unit_tests() -> None:
    run_promtool("test", "rules", "alerts.test.yml")


def test_every_alert_is_unit_tested() -> None:
    tested = set(re.findall(r"alertname: (\w+)", (PROMETHEUS / "alerts.test.yml").read_text()))
    assert {alert["alert"] for alert in ALERTS} <= tested


def test_every_alert_has_a_runbook_section() -> None:
    runbook = (ROOT / "docs" / "runbook.md").read_text()
    headings = {line[3:].strip().lower() for line in runbook.splitlines() if line.startswith("## ")}
    for alert in ALERTS:
        anchor = alert["annotations"]["runbook"].split("#", 1)[1]
        assert anchor == alert["alert"].lower() and anchor in headings, alert["alert"]


def exported_metric_names() -> set[str]:
    names = set()
    for source in (ROOT / "services").rglob("*.py"):
        names |= set(
            re.findall(r'(?:Counter|Gauge|Histogram|Info)\(\s*"(\w+)"', source.read_text())
        )
    return names


@pytest.mark.parametrize("alert", ALERTS, ids=lambda a: a["alert"])
def test_every_metric_an_alert_reads_is_exported(alert: dict) -> None:
    expr = re.sub(r'\{[^}]*\}|"[^"]*"|\[[^\]]*\]', "", alert["expr"])
    words = set(re.findall(r"[a-z_][a-z0-9_]*", expr)) - PROMQL_WORDS
    exported = exported_metric_names()
    series = {w.removesuffix("_bucket") for w in words}
    assert series <= exported, f"not exported by any service: {series - exported}"
