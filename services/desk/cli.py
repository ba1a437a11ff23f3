"""Admin CLI for platform API keys and moderator tokens.

  python -m services.desk.cli keys create --tenant acme --name forum-prod [--scope score ...] [--wait]
  python -m services.desk.cli keys list --tenant acme
  python -m services.desk.cli keys revoke KEY_ID
  python -m services.desk.cli moderators create --tenant acme --id alice --role triage
  python -m services.desk.cli moderators list --tenant acme
  python -m services.desk.cli moderators revoke TOKEN_ID

Secrets are printed once, at creation; only their hashes are recorded (Kafka and Redis), so a
lost secret is revoked and issued again. Reads KAFKA_BOOTSTRAP_SERVERS and REDIS_URL.
`--wait` prints a new key once ingest and the gateway take it (INGEST_URL, GATEWAY_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from functools import partial

from redis.asyncio import Redis

from services.contracts import topics
from services.contracts.credentials import ALL_SCOPES, Scope
from services.contracts.events import CredentialEvent
from services.desk.adapters.credentials import Credentials, CredentialStore
from services.desk.config import Settings
from services.desk.domain.access import Role
from services.shared.kafka import ensure_topics, make_broker, publish_for_tenant
from services.shared.key_watch import key_taken

KINDS = {"keys": "api_key", "moderators": "moderator_token"}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m services.desk.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    groups = top.add_subparsers(dest="group", required=True)
    keys = groups.add_parser("keys").add_subparsers(dest="verb", required=True)
    create = keys.add_parser("create")
    create.add_argument("--tenant", required=True)
    create.add_argument("--name", required=True)
    create.add_argument(
        "--scope",
        action="append",
        choices=[s.value for s in Scope],
        help="repeat for several; default: all",
    )
    create.add_argument("--rate-limit", type=int, help="requests a minute (default: server's)")
    create.add_argument(
        "--wait", action="store_true", help="print it once ingest and gateway take it"
    )
    mods = groups.add_parser("moderators").add_subparsers(dest="verb", required=True)
    create = mods.add_parser("create")
    create.add_argument("--tenant", required=True)
    create.add_argument("--id", required=True, dest="moderator_id")
    create.add_argument("--role", required=True, choices=[r.label for r in Role])
    create.add_argument("--hours", type=float, help="how long it is valid (MODERATOR_TOKEN_HOURS)")
    for group in (keys, mods):
        group.add_parser("list").add_argument("--tenant", required=True)
        group.add_parser("revoke").add_argument("credential_id")
    return top


def summary(event: CredentialEvent) -> dict:
    return {
        "id": event.credential_id,
        "tenant": event.tenant,
        "name": event.name,
        "role": event.role,
        "scopes": event.scopes,
        "revoked": event.revoked,
        "expires_at": event.expires_at.isoformat() if event.expires_at else None,
        "rate_limit_per_minute": event.rate_limit_per_minute,
        "changed_at": event.occurred_at.isoformat(),
        "changed_by": event.actor,
    }


async def run(args: argparse.Namespace, settings: Settings) -> int:
    broker = make_broker(settings, "desk-cli")
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    store = CredentialStore(redis)

    publish = partial(publish_for_tenant, broker, topics.CREDENTIALS)
    credentials, actor = Credentials(store, publish), f"cli:{getpass.getuser()}"
    await ensure_topics(settings)
    await broker.start()
    try:
        if args.verb == "list":
            for event in await store.of_tenant(args.tenant, kind=KINDS[args.group]):
                print(json.dumps(summary(event)))
            return 0
        if args.verb == "revoke":
            event = await credentials.revoke(args.credential_id, actor)
            if event is None:
                print(f"no credential {args.credential_id}", file=sys.stderr)
                return 1
            print(json.dumps(summary(event)))
            return 0
        if args.group == "keys":
            scopes = [Scope(s) for s in args.scope] if args.scope else list(ALL_SCOPES)
            event, token = await credentials.issue_key(
                args.tenant, args.name, scopes, args.rate_limit, actor
            )
        else:
            role, hours = Role.parse(args.role), args.hours or settings.moderator_token_hours
            event, token = await credentials.issue_moderator(
                args.tenant, args.moderator_id, role, actor, hours
            )
        taken_at = (f"{settings.ingest_url}/v1/posts", f"{settings.gateway_url}/v1/decisions")
        if getattr(args, "wait", False) and not await key_taken(token, *taken_at):
            print("issued, but ingest or the gateway did not take it in 30 s", file=sys.stderr)
            return 1
        print(json.dumps({**summary(event), "token": token}))
        return 0
    finally:
        await broker.stop()
        await redis.aclose()


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    return asyncio.run(run(parser().parse_args(argv), settings or Settings()))


if __name__ == "__main__":
    sys.exit(main())
