"""The platform's Perspective score map (`make migrate-perspective` fits one from the site's own
log of Perspective's answers): publish a version, list them, roll back to an earlier one,
withdraw. Each change is an event on moderation.score-maps.v1; the Perspective endpoint puts
its scores through the live version's curves, per attribute, and says which version it used.
A key needs the `score-maps:manage` scope, which an admin grants when creating it."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from services.contracts import topics
from services.contracts.events import ScoreCurve, ScoreMapPublished
from services.gateway.adapters.score_maps import ScoreMaps
from services.gateway.api.deps import BrokerDep, ScoreMapManager, ScoreMapsDep
from services.gateway.domain.perspective import ATTRIBUTES
from services.shared.errors import ApiError
from services.shared.kafka import publish_for_tenant
from services.shared.platforms import Platform

router = APIRouter(prefix="/v1/perspective/score-map", tags=["compatibility"])
ERRORS = {
    401: {"description": "Missing or invalid API key"},
    403: {"description": "The key lacks the score-maps:manage scope"},
    429: {"description": "Over the key's rate limit"},
}


class ScoreMapUpload(BaseModel):
    curves: dict[str, ScoreCurve] = Field(
        min_length=1,
        description="Perspective attribute -> its curve (what the kit wrote).",
        examples=[{"TOXICITY": {"ours": [0.0, 0.2, 1.0], "theirs": [0.05, 0.6, 1.0]}}],
    )
    fitted_on: dict[str, float | int | str] = Field(default_factory=dict, max_length=20)


class Rollback(BaseModel):
    version: int = Field(ge=1, examples=[2])


class ScoreMapView(BaseModel):
    version: int = Field(examples=[3])
    attributes: list[str]
    fitted_on: dict[str, float | int | str]
    restores: int | None
    withdrawn: bool
    published_at: datetime
    published_by: str


class ScoreMapList(BaseModel):
    live: int | None = Field(description="The version the Perspective endpoint applies, if any.")
    versions: list[ScoreMapView] = Field(description="Newest first.")


def view(event: ScoreMapPublished) -> ScoreMapView:
    return ScoreMapView(
        version=event.version, attributes=sorted(event.curves), fitted_on=event.fitted_on,
        restores=event.restores, withdrawn=event.withdrawn, published_at=event.occurred_at,
        published_by=event.actor,
    )  # fmt: skip


async def publish(broker: BrokerDep, maps: ScoreMaps, platform: Platform, **fields) -> ScoreMapView:
    """The next version: one past the newest this gateway has seen (two publishes racing on
    one tenant may take one number; the later event then replaces the earlier)."""
    event = ScoreMapPublished(
        tenant=platform.tenant, version=await maps.newest(platform.tenant) + 1,
        actor=platform.key_id, **fields,
    )  # fmt: skip
    await publish_for_tenant(broker, topics.SCORE_MAPS, event)
    await maps.apply(event)
    return view(event)


@router.put(
    "",
    summary="Publish a Perspective score map",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ScoreMapView,
    responses={
        **ERRORS,
        422: {"description": "An unknown attribute, or a curve that is not monotone"},
    },
)
async def publish_map(
    body: ScoreMapUpload, platform: ScoreMapManager, maps: ScoreMapsDep, broker: BrokerDep
) -> ScoreMapView:
    """Publish a new version; the Perspective endpoint applies it from now on."""
    unknown = sorted(name for name in body.curves if name not in ATTRIBUTES)
    if unknown:
        raise ApiError(
            422, "unknown_attribute", f"Not a Perspective attribute served here: {unknown}"
        )
    return await publish(broker, maps, platform, curves=body.curves, fitted_on=body.fitted_on)


@router.get("", summary="The score map's versions", response_model=ScoreMapList, responses=ERRORS)
async def list_maps(platform: ScoreMapManager, maps: ScoreMapsDep) -> ScoreMapList:
    """Every version published for your platform, newest first, and the live one."""
    live = await maps.live(platform.tenant)
    versions = [view(event) for event in await maps.history(platform.tenant)]
    return ScoreMapList(live=live.version if live else None, versions=versions)


@router.post(
    "/rollback",
    summary="Roll back to an earlier score map",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ScoreMapView,
    responses={**ERRORS, 404: {"description": "No such version, or a withdrawal"}},
)
async def roll_back(
    body: Rollback, platform: ScoreMapManager, maps: ScoreMapsDep, broker: BrokerDep
) -> ScoreMapView:
    """Publish an earlier version's curves again, as a new version that says which it restores."""
    earlier = await maps.version(platform.tenant, body.version)
    if earlier is None or earlier.withdrawn:
        raise ApiError(404, "score_map_not_found", f"No score map version {body.version}.")
    return await publish(
        broker, maps, platform, curves=earlier.curves, fitted_on=earlier.fitted_on,
        restores=earlier.version,
    )  # fmt: skip


@router.delete(
    "",
    summary="Withdraw the score map",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ScoreMapView,
    responses={**ERRORS, 404: {"description": "No map is live"}},
)
async def withdraw(
    platform: ScoreMapManager, maps: ScoreMapsDep, broker: BrokerDep
) -> ScoreMapView:
    """Stop mapping: the Perspective endpoint answers on our models' own scale again."""
    if await maps.live(platform.tenant) is None:
        raise ApiError(404, "score_map_not_found", "No score map is live.")
    return await publish(broker, maps, platform, withdrawn=True)
