"""Ingest's own view of the platform keys, projected from the credentials topic (the gateway
issues and revokes them; ingest never reads the gateway's keys).

ingest:key:{credential_id}   the key's latest CredentialEvent (moderator tokens are not kept)
"""

from __future__ import annotations

from redis.asyncio import Redis

from services.contracts.events import CredentialEvent

FAMILIES = ("ingest:key:*",)


def key_of(credential_id: str) -> str:
    return f"ingest:key:{credential_id}"


class PlatformKeys:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, event: CredentialEvent) -> bool:
        """Keep the key's latest state; False for what ingest has no use for."""
        if event.kind != "api_key":
            return False
        await self.redis.set(key_of(event.credential_id), event.model_dump_json())
        return True

    async def get(self, credential_id: str) -> CredentialEvent | None:
        raw = await self.redis.get(key_of(credential_id))
        return CredentialEvent.model_validate_json(raw) if raw else None
