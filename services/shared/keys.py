"""A service's own view of the platform keys, projected from the credentials topic by each
service that authenticates platforms with them (ingest, the gateway, the desk); the desk
issues and revokes them, and no service reads another's view.

{service}:key:{credential_id}   the key's latest CredentialEvent (moderator tokens are not kept)

A key found is remembered in the process for `remember_seconds`, so a platform sending many
posts costs one Redis read per key per interval rather than one per request. A revocation
applied by this replica forgets the key at once; other replicas (the credentials topic is read
by one replica of the group) see it within `remember_seconds`, well inside the 5 s promise.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from services.contracts.events import CredentialEvent

REMEMBERED_KEYS = 10_000


def families(service: str) -> tuple[str, ...]:
    """What a rebuild of `service`'s view drops."""
    return (f"{service}:key:*",)


def key_of(service: str, credential_id: str) -> str:
    return f"{service}:key:{credential_id}"


class PlatformKeys:
    def __init__(self, redis: Redis, service: str, remember_seconds: float = 0.0) -> None:
        self.redis, self.service = redis, service
        self.remember_seconds = remember_seconds
        self._remembered: dict[str, tuple[float, CredentialEvent]] = {}

    async def apply(self, event: CredentialEvent) -> bool:
        """Keep the key's latest state; False for moderator tokens (not platform keys)."""
        if event.kind != "api_key":
            return False
        await self.redis.set(key_of(self.service, event.credential_id), event.model_dump_json())
        self._remembered.pop(event.credential_id, None)
        return True

    async def get(self, credential_id: str) -> CredentialEvent | None:
        now = time.monotonic()
        remembered = self._remembered.get(credential_id)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        raw = await self.redis.get(key_of(self.service, credential_id))
        found = CredentialEvent.model_validate_json(raw) if raw else None
        if found is not None and self.remember_seconds > 0:
            if len(self._remembered) >= REMEMBERED_KEYS:
                self._remembered.pop(next(iter(self._remembered)))
            self._remembered[credential_id] = (now + self.remember_seconds, found)
        return found
