"""Service-to-service APIs (the classifier's scoring, pulse's digest) admit only callers that
present the deployment's shared internal token (`INTERNAL_TOKEN`, from a Kubernetes Secret or
the local stack's launcher) as `Authorization: Bearer …`. A service with no token configured
admits no one there: an internal API is never open by omission. The network policies in
`deploy/k8s` admit only the callers each service has, as a second wall."""

from __future__ import annotations

import hmac
from typing import Annotated

import httpx
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.shared.errors import ApiError

internal_bearer = HTTPBearer(
    auto_error=False, scheme_name="internal", description="The deployment's internal token."
)


def admits(configured: str | None, presented: str | None) -> bool:
    if not configured or not presented:
        return False
    return hmac.compare_digest(configured.encode(), presented.encode())


async def internal_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(internal_bearer)],
) -> None:
    token = request.app.state.settings.internal_token
    configured = token.get_secret_value() if token is not None else None
    if configured is None:
        raise ApiError(401, "internal_token_unset", "This service has no INTERNAL_TOKEN set.")
    if not admits(configured, credentials.credentials if credentials else None):
        raise ApiError(
            401,
            "not_internal",
            "An internal API: present the deployment's internal token as a Bearer token.",
            headers={"WWW-Authenticate": "Bearer"},
        )


InternalCaller = Depends(internal_caller)


def internal_headers(token: str | None) -> dict[str, str]:
    """What a client of another service's internal API sends."""
    return {"Authorization": f"Bearer {token}"} if token else {}


# Who a service acts for when it calls another's internal API on a person's behalf (the desk,
# for a moderator or community manager it admitted): the callee trusts these only with the
# internal token.
STAFF_TENANT, STAFF_ID, STAFF_ROLE = "x-staff-tenant", "x-staff-id", "x-staff-role"


def on_behalf_of(tenant: str, staff_id: str, role: str) -> dict[str, str]:
    return {STAFF_TENANT: tenant, STAFF_ID: staff_id, STAFF_ROLE: role}


async def answer_of(
    http: httpx.AsyncClient, method: str, path: str, unavailable: type[Exception], **request
) -> bytes:
    """The body of another service's 200 answer to an internal call; `unavailable`, naming
    why, when it could not be reached or answered anything else."""
    try:
        response = await http.request(method, path, **request)
    except httpx.HTTPError as error:
        raise unavailable(f"gateway unreachable: {error!r}") from error
    if response.status_code != 200:
        raise unavailable(f"gateway answered {response.status_code}")
    return response.content
