"""Who may do what: platform API keys with scopes, moderator tokens with roles. Pure.

Roles follow Bluesky Ozone's ladder, each including the one below it:
- triage: view queues and cases, claim and unclaim, label, add notes;
- moderator: also approve, hold, remove, escalate, decide appeals, warn and mute authors;
- admin: also suspend and ban authors, and manage keys.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import IntEnum, StrEnum

API_KEY_PREFIX = "mk"
MODERATOR_TOKEN_PREFIX = "mt"


class Role(IntEnum):
    TRIAGE = 1
    MODERATOR = 2
    ADMIN = 3

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown role {name!r}; one of {[r.label for r in cls]}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Scope(StrEnum):
    DECISIONS_READ = "decisions:read"  # decisions, the feed and the stream
    WEBHOOKS = "webhooks:manage"  # register, list, remove webhooks; dead letters
    SCORE = "score"  # the Perspective and OpenAI compatible endpoints


ALL_SCOPES: tuple[Scope, ...] = tuple(Scope)

COMMAND_ROLE: dict[str, Role] = {
    "claim": Role.TRIAGE,
    "unclaim": Role.TRIAGE,
    "note": Role.TRIAGE,
    "label": Role.TRIAGE,
    "approve": Role.MODERATOR,
    "hold": Role.MODERATOR,
    "remove": Role.MODERATOR,
    "escalate": Role.MODERATOR,
    "appeal": Role.MODERATOR,
}
SANCTION_ROLE: dict[str, Role] = {
    "warn": Role.MODERATOR,
    "mute": Role.MODERATOR,
    "suspend": Role.ADMIN,
    "ban": Role.ADMIN,
}


def role_needed(command: str, sanction: str | None = None) -> Role:
    """The lowest role allowed to send this command (a sanction depends on its kind)."""
    if command == "sanction":
        return SANCTION_ROLE.get(sanction or "", Role.ADMIN)
    return COMMAND_ROLE.get(command, Role.ADMIN)


def allowed_commands(role: Role) -> list[str]:
    """The commands (and `sanction:<kind>`) a role may send, for showing only those."""
    commands = [c for c, needed in COMMAND_ROLE.items() if role >= needed]
    sanctions = [f"sanction:{k}" for k, needed in SANCTION_ROLE.items() if role >= needed]
    return commands + sanctions


@dataclass(frozen=True)
class IssuedSecret:
    credential_id: str
    token: str  # shown once; only its hash is kept
    sha256: str


def issue(prefix: str) -> IssuedSecret:
    credential_id = secrets.token_hex(6)
    token = f"{prefix}_{credential_id}.{secrets.token_urlsafe(32)}"
    return IssuedSecret(credential_id, token, digest(token))


def digest(token: str) -> str:
    # The token carries 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def parse_token(token: str) -> tuple[str, str] | None:
    """(prefix, credential_id) of a well-formed token, else None."""
    head, dot, rest = token.partition(".")
    prefix, underscore, credential_id = head.partition("_")
    if not (dot and underscore and rest and credential_id):
        return None
    if prefix not in (API_KEY_PREFIX, MODERATOR_TOKEN_PREFIX):
        return None
    return prefix, credential_id


def matches(token: str, sha256: str) -> bool:
    return hmac.compare_digest(digest(token), sha256)
