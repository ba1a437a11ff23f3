"""Admin moderators publish their platform's moderation policy (or one per community, or a
shadow candidate). The YAML is validated here with escalation's own parser, then published on
the policies topic; every escalation replica puts it in force within moments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field

from services.contracts import topics
from services.contracts.events import PolicyPublished
from services.gateway.adapters.policies import PolicyRegistry
from services.gateway.api.deps import Admin
from services.policy.text import PolicyError, parse_policy, policy_name
from services.shared.errors import ApiError
from services.shared.kafka import publish_for_tenant

router = APIRouter(prefix="/v1/admin/policies", tags=["admin"])
ERRORS = {401: {"description": "Missing or invalid token"}, 403: {"description": "Not an admin"}}
COMMUNITY = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


def _registry(request: Request) -> PolicyRegistry:
    return request.app.state.policy_registry


RegistryDep = Annotated[PolicyRegistry, Depends(_registry)]


class PolicyUpload(BaseModel):
    text: str = Field(min_length=1, max_length=200_000, description="The policy YAML.")
    community: str | None = Field(default=None, pattern=COMMUNITY)
    shadow: bool = Field(default=False, description="Run as a candidate that never acts.")


class PublishedPolicy(BaseModel):
    name: str
    policy_id: str
    version: str
    published_at: datetime
    published_by: str


class PolicyList(BaseModel):
    data: list[PublishedPolicy]
    next_cursor: str | None = None


def _name(tenant: str, community: str | None, shadow: bool) -> str:
    try:
        return policy_name(tenant, community, shadow)
    except PolicyError as error:
        raise ApiError(422, "invalid_policy_name", str(error)) from error


@router.put(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PublishedPolicy,
    responses={**ERRORS, 422: {"description": "The policy does not validate (file:line: reason)"}},
)
async def publish_policy(
    body: PolicyUpload, admin: Admin, registry: RegistryDep, request: Request
) -> PublishedPolicy:
    """Replace the platform's (or a community's) policy; it applies to posts decided from then on."""
    name = _name(admin.tenant, body.community, body.shadow)
    try:
        policy = parse_policy(body.text, f"{name}.yaml")
    except PolicyError as error:
        raise ApiError(422, "invalid_policy", str(error), {"line": error.line}) from error
    event = PolicyPublished(
        tenant=admin.tenant, name=name, text=body.text, actor=admin.moderator_id
    )
    await publish_for_tenant(request.app.state.broker, topics.POLICIES, event)
    await registry.apply(event, policy.id, policy.version)
    return PublishedPolicy(
        name=name,
        policy_id=policy.id,
        version=policy.version,
        published_at=event.occurred_at,
        published_by=admin.moderator_id,
    )


@router.get("", response_model=PolicyList, responses=ERRORS)
async def list_policies(admin: Admin, registry: RegistryDep) -> PolicyList:
    """What this platform has published (files on the escalation side are not listed)."""
    return PolicyList(data=[PublishedPolicy(**e) for e in await registry.of_tenant(admin.tenant)])


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**ERRORS, 404: {"description": "Nothing published under that name"}},
)
async def withdraw_policy(
    admin: Admin,
    registry: RegistryDep,
    request: Request,
    community: Annotated[str | None, Query(pattern=COMMUNITY)] = None,
    shadow: bool = False,
) -> Response:
    """Withdraw a published policy: the file-based one (or the default) applies again."""
    name = _name(admin.tenant, community, shadow)
    if not await registry.has(admin.tenant, name):
        raise ApiError(404, "policy_not_found", f"No published policy {name}.")
    event = PolicyPublished(
        tenant=admin.tenant, name=name, withdrawn=True, actor=admin.moderator_id
    )
    await publish_for_tenant(request.app.state.broker, topics.POLICIES, event)
    await registry.apply(event)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
