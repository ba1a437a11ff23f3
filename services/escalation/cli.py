"""policy check FILE | policy dry-run FILE --input posts.jsonl [--active FILE] | policy shadow-report
| policy agreement --since 7d | policy backtest FILE --since 7d

    python -m services.escalation.cli check deploy/policies/default.yaml
    python -m services.escalation.cli dry-run candidate.yaml --input posts.jsonl
    python -m services.escalation.cli agreement --since 7d [--tenant acme]
    python -m services.escalation.cli backtest candidate.yaml --since 7d [--tenant acme]

`dry-run` reads one post per line: {"text", "scores": {label: p}, "community"?, "author"?,
"strikes"?}, prints one decision per line and a summary: counts per action, and how the decisions
differ from the active policy (default: deploy/policies/default.yaml).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from pathlib import Path

from services.contracts.events import AuthorFacts
from services.escalation.config import REPO_POLICIES
from services.policy.language import Policy, PostFacts, evaluate
from services.policy.text import PolicyError, parse_policy
from services.shared.period import BadPeriod


def _load(path: Path) -> Policy:
    return parse_policy(path.read_text(encoding="utf-8"), str(path))


def check(path: Path) -> int:
    policy = _load(path)
    print(f"ok: {path} is policy {policy.id} v{policy.version} with {len(policy.rules)} rules")
    return 0


def _facts(row: dict) -> PostFacts:
    return PostFacts(
        scores=row["scores"],
        text=row.get("text", ""),
        community=row.get("community"),
        author=AuthorFacts(**row["author"]) if row.get("author") else None,
        strikes=int(row.get("strikes", 0)),
    )


def dry_run(path: Path, posts: Path, active_path: Path) -> int:
    candidate, active = _load(path), _load(active_path)
    counts: Counter[str] = Counter()
    changes: Counter[str] = Counter()
    for number, line in enumerate(posts.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            facts = _facts(json.loads(line))
        except (ValueError, KeyError, TypeError) as error:
            print(f"{posts}:{number}: skipped: {error}", file=sys.stderr)
            continue
        new, old = evaluate(facts, candidate), evaluate(facts, active)
        counts[new.action.value] += 1
        if new.action != old.action:
            changes[f"{old.action.value} -> {new.action.value}"] += 1
        print(json.dumps({"line": number, "action": new.action.value, "queue": new.queue,
                          "rules": list(new.matched), "active_action": old.action.value}))  # fmt: skip
    summary = {"policy": f"{candidate.id} v{candidate.version}", "active": f"{active.id} v{active.version}",
               "actions": dict(sorted(counts.items())), "changed_vs_active": dict(sorted(changes.items()))}  # fmt: skip
    print(json.dumps({"summary": summary}))
    return 0


def shadow_report(tenant: str | None) -> int:
    """Counts of shadow decisions per candidate policy, and where they differ from the live ones."""
    from services.contracts import topics
    from services.contracts.events import ShadowDecision
    from services.escalation.config import Settings
    from services.shared.kafka import read_topic

    async def collect() -> dict[str, dict[str, Counter[str]]]:
        report: dict[str, dict[str, Counter[str]]] = {}
        async for value in read_topic(Settings().kafka_bootstrap_servers, topics.SHADOW_DECISIONS):
            shadow = ShadowDecision.model_validate_json(value)
            if tenant and shadow.tenant != tenant:
                continue
            entry = report.setdefault(
                f"{shadow.policy.id} v{shadow.policy.version}",
                {"actions": Counter(), "changed_vs_active": Counter()},
            )
            entry["actions"][shadow.action.value] += 1
            if shadow.action != shadow.active_action:
                entry["changed_vs_active"][
                    f"{shadow.active_action.value} -> {shadow.action.value}"
                ] += 1
        return report

    report = asyncio.run(collect())
    print(
        json.dumps(
            {
                name: {k: dict(sorted(v.items())) for k, v in entry.items()}
                for name, entry in report.items()
            },
            indent=2,
        )
    )
    return 0


def agreement(since: str, until: str | None, tenant: str | None, lookback_days: float) -> int:
    from services.escalation.agreement_report import agreement_report
    from services.escalation.config import Settings

    report = asyncio.run(agreement_report(since, until, tenant, lookback_days, Settings()))
    print(json.dumps(report, indent=2))
    return 0


def run_backtest(args: argparse.Namespace) -> int:
    from services.escalation.backtest_report import backtest_report
    from services.escalation.config import Settings

    active = _load(args.active) if args.active else None
    report = asyncio.run(
        backtest_report(_load(args.file), args.since, args.until, args.tenant,
                        args.lookback_days, Settings(), active)
    )  # fmt: skip
    print(json.dumps(report, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policy", description="Validate and try out policies.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate a policy file").add_argument("file", type=Path)
    dry = commands.add_parser(
        "dry-run", help="decide posts with a policy, compared with the active one"
    )
    dry.add_argument("file", type=Path)
    dry.add_argument("--input", type=Path, required=True)
    dry.add_argument("--active", type=Path, default=REPO_POLICIES / "default.yaml")
    report = commands.add_parser(
        "shadow-report", help="what shadow policies decided on live traffic (from Kafka)"
    )
    report.add_argument("--tenant")
    agree = commands.add_parser(
        "agreement", help="moderators' agreement with automation, per rule and label (Kafka)"
    )
    agree.add_argument("--since", default="7d", help="ISO 8601 or a time ago (7d)")
    agree.add_argument("--until", default=None)
    agree.add_argument("--tenant")
    agree.add_argument("--lookback-days", type=float, default=30.0,
                       help="how long before the period cases may have opened")  # fmt: skip
    replay = commands.add_parser(
        "backtest", help="a candidate policy replayed on the scored posts of a period (Kafka)"
    )
    replay.add_argument("file", type=Path)
    replay.add_argument("--since", default="7d", help="ISO 8601 or a time ago (7d)")
    replay.add_argument("--until", default=None)
    replay.add_argument("--tenant")
    replay.add_argument("--active", type=Path, default=None,
                        help="compare with this file instead of the policies in force")  # fmt: skip
    replay.add_argument("--lookback-days", type=float, default=30.0)
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return check(args.file)
        if args.command == "shadow-report":
            return shadow_report(args.tenant)
        if args.command == "backtest":
            return run_backtest(args)
        if args.command == "agreement":
            return agreement(args.since, args.until, args.tenant, args.lookback_days)
        return dry_run(args.file, args.input, args.active)
    except PolicyError as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 1
    except BadPeriod as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
