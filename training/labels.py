"""Export the labeled examples (moderators' reviews and appeals, Perspective suggestions) from
Kafka as JSONL in the shape of train.jsonl, for `make train-offline FEEDBACK=...`.

    python -m training.labels --out feedback.jsonl [--since 90d] [--tenant T]

An example sent with `doNotStore` has no text and is left out. Of several examples of one post
(a review, then its appeal), the latest wins.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from services.contracts import topics
from services.contracts.events import LabeledExample
from services.shared.kafka import read_events
from services.shared.period import BadPeriod, period
from services.shared.settings import ServiceSettings


def rows_of(examples: list[LabeledExample]) -> list[dict]:
    """train.jsonl rows, one per post (or per example without a post), in time order."""
    latest: dict[str, LabeledExample] = {}
    for example in sorted(examples, key=lambda e: e.occurred_at):
        if example.text:
            latest[example.post_id or example.example_id] = example
    return [
        {"text": e.text, "labels": e.labels, "source": f"feedback:{e.source}", "tenant": e.tenant}
        for e in sorted(latest.values(), key=lambda e: e.occurred_at)
    ]


async def collect(bootstrap: str, since: float, until: float, tenant: str | None) -> list[dict]:
    found = []
    async for example in read_events(bootstrap, topics.LABELED_EXAMPLES, LabeledExample, since):
        at = example.occurred_at.timestamp()
        if since <= at < until and (tenant is None or example.tenant == tenant):
            found.append(example)
    return rows_of(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--since", default="36500d", help="ISO 8601 or a time ago (90d)")
    parser.add_argument("--until", default=None)
    parser.add_argument("--tenant", default=None)
    args = parser.parse_args(argv)
    try:
        start, end = period(args.since, args.until, time.time(), longest_days=None)
    except BadPeriod as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    bootstrap = ServiceSettings().kafka_bootstrap_servers
    rows = asyncio.run(collect(bootstrap, start, end, args.tenant))
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} labeled examples to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
