"""Pulse's command line, for community managers and operators.

    python -m services.pulse.cli digest --tenant acme --community support --since 7d \\
        [--until 2026-12-01T00:00:00Z] [--format markdown|csv|json] [--out FILE]

Reads pulse's own Redis (REDIS_URL), as its API does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from redis.asyncio import Redis

from services.pulse.adapters.feedback import FeedbackBook
from services.pulse.config import Settings
from services.pulse.digests import feedback_digest
from services.pulse.domain.mood import Community
from services.pulse.domain.themes import as_csv, as_json, as_markdown, languages_json
from services.shared.period import BadPeriod, period


async def digest_text(args: argparse.Namespace, settings: Settings) -> str:
    start, end = period(args.since, args.until, time.time())
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    try:
        book = FeedbackBook(redis, settings.pulse_feedback_keep)
        where = Community(args.tenant, None if args.community == "_" else args.community)
        found = await feedback_digest(book, where, start, end, settings.pulse_digest_max_posts)
    finally:
        await redis.aclose()
    if args.format == "csv":
        return as_csv(found)
    if args.format == "json":
        body = {
            "total": found.total, "unthemed": found.unthemed, "themes": as_json(found),
            "languages": languages_json(found),
        }  # fmt: skip
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    span = f"{time.strftime('%Y-%m-%d', time.gmtime(start))} to {time.strftime('%Y-%m-%d', time.gmtime(end))}"
    return as_markdown(found, f"Feedback from {args.community}, {span}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.pulse.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    digest = commands.add_parser("digest", help="a community's civil criticism, in themes")
    digest.add_argument("--tenant", required=True)
    digest.add_argument("--community", required=True, help="`_` for posts without one")
    digest.add_argument("--since", default="7d", help="ISO 8601 or a time ago (7d)")
    digest.add_argument("--until", default=None, help="ISO 8601 or a time ago; default now")
    digest.add_argument("--format", choices=("markdown", "csv", "json"), default="markdown")
    digest.add_argument("--out", default=None, help="a file instead of standard output")
    args = parser.parse_args(argv)
    try:
        text = asyncio.run(digest_text(args, Settings()))
    except BadPeriod as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
