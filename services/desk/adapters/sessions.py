"""Console sign-in sessions, kept by the desk with a time to live.

desk:console-session:{sha256 of the session id}   credential id and CSRF token (a hash)

Only a digest of the session id is stored, so a copy of Redis holds nothing a browser could
present. Sessions are the one piece of desk state not rebuilt from Kafka: losing them only
signs moderators out.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

FAMILIES = ("desk:console-session:*",)


def session_key(session_id: str) -> str:
    return f"desk:console-session:{hashlib.sha256(session_id.encode()).hexdigest()}"


@dataclass(frozen=True)
class ConsoleSession:
    session_id: str
    credential_id: str
    csrf_token: str


class ConsoleSessions:
    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self.redis, self.ttl = redis, ttl_seconds

    async def open(self, credential_id: str) -> ConsoleSession:
        session = ConsoleSession(
            secrets.token_urlsafe(32), credential_id, secrets.token_urlsafe(32)
        )
        key = session_key(session.session_id)
        fields = {"credential_id": credential_id, "csrf_token": session.csrf_token}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, self.ttl)
            await pipe.execute()
        return session

    async def get(self, session_id: str) -> ConsoleSession | None:
        fields = await self.redis.hgetall(session_key(session_id))
        if not fields:
            return None
        return ConsoleSession(session_id, fields["credential_id"], fields["csrf_token"])

    async def close(self, session_id: str) -> None:
        await self.redis.delete(session_key(session_id))
