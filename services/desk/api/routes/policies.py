"""Admin moderators publish their platform's moderation policy (or one per community, or a
shadow candidate). The YAML is validated here with escalation's own parser, then published on
the policies topic; every escalation replica puts it in force within moments."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field, StrictBool

from services.contracts import topics
from services.contracts.events import PolicyPublished
from services.desk.api.deps import (
    Admin,
    BrokerDep,
    CaseBoardDep,
    DecisionsDep,
    PolicyRegistryDep,
    SettingsDep,
)
from services.desk.backtests import run_backtest, scored_posts
from services.desk.domain.dryrun import dry_run
from services.policy.text import PolicyError, parse_policy, policy_name
from services.shared.errors import ApiError
from services.shared.kafka import publish_for_tenant
from services.shared.paging import Listing
from services.shared.period import BadPeriod, period

router = APIRouter(prefix="/v1/admin/policies", tags=["admin"])
ERRORS = {401: {"description": "Missing or invalid token"}, 403: {"description": "Not an admin"}}
COMMUNITY = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
POLICY_EXAMPLE = """\
id: acme-support
version: "3"
default_queue: review
queues:
  review: {priority: 2, sla_minutes: 240}
  urgent: {priority: 0, sla_minutes: 30}
rules:
  - id: threat
    action: escalate
    queue: urgent
    clause: "Guidelines 2.1: no threats of violence"
    when: {scores: {threat: 0.7}}
  - id: insult
    action: hold
    clause: "Guidelines 3.4: no insults"
    when: {scores: {insult: 0.8}}
"""


class PolicyUpload(BaseModel):
    text: str = Field(
        min_length=1, max_length=200_000, description="The policy YAML.", examples=[POLICY_EXAMPLE]
    )
    community: str | None = Field(default=None, pattern=COMMUNITY, examples=["support"])
    shadow: StrictBool = Field(default=False, description="Run as a candidate that never acts.")


class PublishedPolicy(BaseModel):
    name: str = Field(examples=["acme/support"])
    policy_id: str = Field(examples=["acme-support"])
    version: str = Field(examples=["3"])
    published_at: datetime
    published_by: str


class PolicyText(PublishedPolicy):
    text: str = Field(description="The policy YAML as published.")


class PolicyCheck(BaseModel):
    text: str = Field(
        min_length=1, max_length=200_000, description="The policy YAML.", examples=[POLICY_EXAMPLE]
    )
    community: str | None = Field(default=None, pattern=COMMUNITY, examples=["support"])
    last: int = Field(default=500, ge=1, le=5000, description="Dry run: how many recent posts.")


class Validated(BaseModel):
    policy_id: str = Field(examples=["acme-support"])
    version: str = Field(examples=["3"])
    rules: list[str] = Field(examples=[["threat", "insult"]])
    queues: list[str] = Field(examples=[["review", "urgent"]])


class ChangeView(BaseModel):
    post_id: str
    before: str
    after: str
    rules: list[str]
    scores: dict[str, float]


class DryRunView(BaseModel):
    policy_id: str
    version: str
    examined: int = Field(description="Recent automated decisions judged again.")
    changed: int
    transitions: dict[str, int] = Field(examples=[{"allow -> hold": 3}])
    examples: list[ChangeView]


class PolicyList(Listing[PublishedPolicy]):
    """Every one of the published policies."""


async def _parsed(text: str, name: str):
    """Parsed off the event loop: a policy of 200 kB takes seconds to parse and validate, and
    every other request would wait for it."""
    try:
        return await asyncio.to_thread(parse_policy, text, f"{name}.yaml")
    except PolicyError as error:
        raise ApiError(422, "invalid_policy", str(error), {"line": error.line}) from error


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
    body: PolicyUpload, admin: Admin, registry: PolicyRegistryDep, broker: BrokerDep
) -> PublishedPolicy:
    """Replace the platform's (or a community's) policy; it applies to posts decided from then on."""
    name = _name(admin.tenant, body.community, body.shadow)
    policy = await _parsed(body.text, name)
    event = PolicyPublished(
        tenant=admin.tenant, name=name, text=body.text, actor=admin.moderator_id
    )
    await publish_for_tenant(broker, topics.POLICIES, event)
    await registry.apply(event, policy.id, policy.version)
    return PublishedPolicy(
        name=name,
        policy_id=policy.id,
        version=policy.version,
        published_at=event.occurred_at,
        published_by=admin.moderator_id,
    )


@router.get("", response_model=PolicyList, responses=ERRORS)
async def list_policies(admin: Admin, registry: PolicyRegistryDep) -> PolicyList:
    """What this platform has published (files on the escalation side are not listed)."""
    return PolicyList(data=[PublishedPolicy(**e) for e in await registry.of_tenant(admin.tenant)])


INVALID = {**ERRORS, 422: {"description": "The policy does not validate (file:line: reason)"}}


@router.get(
    "/active",
    response_model=PolicyText,
    responses={**ERRORS, 404: {"description": "Nothing published under that name"}},
)
async def active_policy(
    admin: Admin,
    registry: PolicyRegistryDep,
    community: Annotated[str | None, Query(pattern=COMMUNITY)] = None,
    shadow: bool = False,
) -> PolicyText:
    """The text of the policy published for the platform (or a community)."""
    name = _name(admin.tenant, community, shadow)
    entry = await registry.named(admin.tenant, name)
    if entry is None:
        message = f"No published policy {name}; escalation's file or default applies."
        raise ApiError(404, "policy_not_found", message)
    return PolicyText(**entry)


@router.post("/validate", response_model=Validated, responses=INVALID)
async def validate_policy(body: PolicyCheck, admin: Admin) -> Validated:
    """Check a policy without publishing it: 422 names the line of the first problem."""
    policy = await _parsed(body.text, _name(admin.tenant, body.community, False))
    return Validated(
        policy_id=policy.id,
        version=policy.version,
        rules=[r.id for r in policy.rules],
        queues=sorted(policy.queues),
    )


@router.post("/dry-run", response_model=DryRunView, responses=INVALID)
async def dry_run_policy(body: PolicyCheck, admin: Admin, decisions: DecisionsDep) -> DryRunView:
    """What a candidate policy would change on the platform's last `last` automated
    decisions, judged by their scores and community (term lists and strikes are not
    replayed here)."""
    policy = await _parsed(body.text, _name(admin.tenant, body.community, False))
    recent = await decisions.recent(admin.tenant, body.last)
    if body.community:
        recent = [d for d in recent if d.community == body.community]
    result = await asyncio.to_thread(dry_run, recent, policy)
    return DryRunView(
        policy_id=policy.id,
        version=policy.version,
        examined=result.examined,
        changed=result.changed,
        transitions=result.transitions,
        examples=[ChangeView(**vars(c)) for c in result.examples],
    )


class BacktestRequest(BaseModel):
    text: str = Field(
        min_length=1, max_length=200_000, description="The candidate policy YAML.",
        examples=[POLICY_EXAMPLE],
    )  # fmt: skip
    community: str | None = Field(default=None, pattern=COMMUNITY, examples=["support"])
    since: str = Field(default="7d", description="ISO 8601 or a time ago.", examples=["7d"])
    until: str | None = Field(default=None, examples=["2026-12-01T00:00:00Z"])
    max_posts: int = Field(default=20_000, ge=1, le=100_000, description="Posts replayed at most.")


class RuleFigures(BaseModel):
    matched: int
    precision: float | None = Field(description="Upheld by moderators among the judged matches.")
    recall: float | None = Field(description="Of the posts moderators restricted, matched.")
    judged: int = Field(description="Matches a moderator ruled on.")


class BacktestView(BaseModel):
    policy_id: str
    version: str
    posts: int = Field(examples=[18211])
    days: float = Field(examples=[7.0])
    truncated: bool = Field(description="Stopped at max_posts (or the scan limit).")
    decisions_changed: int
    transitions: dict[str, int] = Field(examples=[{"label -> hold": 31}])
    rules: dict[str, dict[str, RuleFigures]] = Field(
        description="'candidate' and 'active' (the live decisions): figures per rule."
    )
    cases_per_day: dict[str, dict[str, float]] = Field(
        examples=[{"candidate": {"general": 41.5}, "active": {"general": 37.0}}]
    )
    examples: list[dict]


@router.post("/backtest", response_model=BacktestView, responses=INVALID)
async def backtest_policy(
    body: BacktestRequest,
    admin: Admin,
    settings: SettingsDep,
    decisions: DecisionsDep,
    cases: CaseBoardDep,
) -> BacktestView:
    """Replay the scored posts of a period (at most `max_posts`) through a candidate policy:
    the decisions that change against the ones made live, each rule's precision and recall
    against moderators' calls (on reviewed posts), and the cases a day it would open per
    queue. Strike counts are not replayed."""
    policy = await _parsed(body.text, _name(admin.tenant, body.community, False))
    try:
        start, end = period(body.since, body.until, time.time())
    except BadPeriod as error:
        raise ApiError(422, "invalid_period", str(error)) from error
    history, truncated = await scored_posts(
        settings.kafka_bootstrap_servers, admin.tenant, body.community, start, end,
        body.max_posts,
    )  # fmt: skip
    found = (await run_backtest(policy, history, decisions, cases)).view()
    return BacktestView(policy_id=policy.id, version=policy.version, truncated=truncated, **found)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**ERRORS, 404: {"description": "Nothing published under that name"}},
)
async def withdraw_policy(
    admin: Admin,
    registry: PolicyRegistryDep,
    broker: BrokerDep,
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
    await publish_for_tenant(broker, topics.POLICIES, event)
    await registry.apply(event)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
