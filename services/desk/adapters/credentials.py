"""API keys and moderator tokens: issued and revoked as events on the credentials topic, read
from a Redis projection of it (rebuildable by replaying the topic)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from redis.asyncio import Redis

from services.contracts.credentials import API_KEY_PREFIX, MODERATOR_TOKEN_PREFIX, Scope, issue
from services.contracts.events import CredentialEvent, revised, utcnow
from services.desk.domain.access import Role
from services.shared.indexed import load_indexed

Publish = Callable[[CredentialEvent], Awaitable[None]]


FAMILIES = ("desk:credential:*", "desk:credentials:*")


def credential_key(credential_id: str) -> str:
    return f"desk:credential:{credential_id}"


def tenant_index(tenant: str) -> str:
    return f"desk:credentials:{tenant}"


class CredentialStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def apply(self, event: CredentialEvent) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(credential_key(event.credential_id), event.model_dump_json())
            pipe.sadd(tenant_index(event.tenant), event.credential_id)
            await pipe.execute()

    async def get(self, credential_id: str) -> CredentialEvent | None:
        raw = await self.redis.get(credential_key(credential_id))
        return CredentialEvent.model_validate_json(raw) if raw else None

    async def of_tenant(self, tenant: str, kind: str | None = None) -> list[CredentialEvent]:
        found = await load_indexed(
            self.redis, tenant_index(tenant), credential_key, CredentialEvent
        )
        return [c for c in found if kind is None or c.kind == kind]


class Credentials:
    """Issue and revoke: publish the event (the record), then project it so it works at once."""

    def __init__(self, store: CredentialStore, publish: Publish) -> None:
        self.store, self.publish = store, publish

    async def _record(self, event: CredentialEvent) -> None:
        await self.publish(event)
        await self.store.apply(event)

    async def _issue(self, prefix: str, **fields) -> tuple[CredentialEvent, str]:
        secret = issue(prefix)
        event = CredentialEvent(
            credential_id=secret.credential_id, secret_sha256=secret.sha256, **fields
        )
        await self._record(event)
        return event, secret.token

    async def issue_key(
        self, tenant: str, name: str, scopes: list[Scope], rate_limit: int | None, actor: str
    ) -> tuple[CredentialEvent, str]:
        return await self._issue(
            API_KEY_PREFIX,
            kind="api_key",
            tenant=tenant,
            name=name,
            actor=actor,
            scopes=[s.value for s in scopes],
            rate_limit_per_minute=rate_limit,
        )

    async def issue_moderator(
        self, tenant: str, moderator_id: str, role: Role, actor: str, valid_hours: float
    ) -> tuple[CredentialEvent, str]:
        return await self._issue(
            MODERATOR_TOKEN_PREFIX,
            kind="moderator_token",
            tenant=tenant,
            name=moderator_id,
            role=role.label,
            actor=actor,
            expires_at=utcnow() + timedelta(hours=valid_hours),
        )

    async def revoke(
        self, credential_id: str, actor: str, tenant: str | None = None
    ) -> CredentialEvent | None:
        """None when there is no such credential (or it belongs to another tenant)."""
        current = await self.store.get(credential_id)
        if current is None or (tenant is not None and current.tenant != tenant):
            return None
        if current.revoked:
            return current
        event = revised(current, revoked=True, actor=actor)
        await self._record(event)
        return event
