"""The credential format every service that checks a platform key agrees on: token shape,
scopes, and how a presented token is matched against the hash on the credentials topic. Pure.

Tokens look like `mk_<credential_id>.<secret>` (platform API keys) or `mt_<credential_id>.<secret>`
(moderator tokens): the id finds the record, the secret's SHA-256 proves it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import IntEnum, StrEnum

API_KEY_PREFIX = "mk"
MODERATOR_TOKEN_PREFIX = "mt"


class Scope(StrEnum):
    DECISIONS_READ = "decisions:read"  # decisions, the feed and the stream
    WEBHOOKS = "webhooks:manage"  # register, list, remove webhooks; dead letters
    SCORE = "score"  # the Perspective and OpenAI compatible endpoints
    POSTS_WRITE = "posts:write"  # submit posts to ingest, and report posts
    PULSE_READ = "pulse:read"  # communities' mood, waves and alerts
    SCORE_MAPS = "score-maps:manage"  # publish, roll back, withdraw the Perspective score map


ALL_SCOPES: tuple[Scope, ...] = tuple(Scope)


class Role(IntEnum):
    """A ladder, each role including the ones below it; kept by name, never by number."""

    TRIAGE = 1
    COMMUNITY_MANAGER = 2  # also answers members and owns themes; no moderation calls
    MODERATOR = 3
    ADMIN = 4

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown role {name!r}; one of {[r.label for r in cls]}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


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
