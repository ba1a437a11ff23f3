"""Each service's AsyncAPI document, served at `/asyncapi.json` beside `/docs`: FastStream
generates it from the service's subscribers (what it reads) and from a declaration of what it
publishes (the topics `services/contracts/topics.py` names it the writer of), and every
message carries its topic's event model (`services/contracts/catalog.py`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from pydantic import TypeAdapter

from services.contracts import topics
from services.contracts.catalog import EVENTS, writers

REFS = "#/components/schemas/{model}"
EXAMPLE = {
    "asyncapi": "3.0.0",
    "info": {"title": "moderation desk", "version": "0.4.0"},
    "channels": {"moderation.case-events.v1:OnViews": {"address": "moderation.case-events.v1"}},
    "operations": {"moderation.case-events.v1:OnViews": {"action": "receive"}},
}


def published_by(service: str, bootstrap: str) -> KafkaBroker:
    """A broker that is never started: it only declares what `service` publishes (and the dead
    letters every consumer may write)."""
    declared = KafkaBroker(bootstrap)
    for spec in topics.TOPICS:
        if service in writers(spec) or spec.name == topics.DEAD_LETTER:
            declared.publisher(spec.name, schema=EVENTS[spec.name], title=f"{spec.name}:send")
    return declared


def document(service: str, version: str, broker: KafkaBroker, bootstrap: str) -> dict[str, Any]:
    spec = AsyncAPI(
        broker,
        published_by(service, bootstrap),
        title=f"moderation {service}",
        version=version,
        description=f"The Kafka topics {service} reads and writes, with their events.",
    )
    found = spec.to_specification().to_jsonable()
    typed_subscriptions(found)
    return found


def typed_subscriptions(found: dict[str, Any]) -> None:
    """A subscriber's handler takes the raw batch, so FastStream cannot see the event it decodes:
    each received message gets the schema of its topic's event."""
    schemas = found.setdefault("components", {}).setdefault("schemas", {})
    for operation in found.get("operations", {}).values():
        if operation.get("action") != "receive":
            continue
        channel = found["channels"][operation["channel"]["$ref"].rsplit("/", 1)[1]]
        model = EVENTS.get(channel["address"])
        if model is None:
            continue
        schema = TypeAdapter(model).json_schema(ref_template=REFS)
        schemas.update(schema.pop("$defs", {}))
        for reference in channel["messages"].values():
            name = reference["$ref"].rsplit("/", 1)[1]
            found["components"]["messages"][name]["payload"] = schema


def asyncapi_router(service: str, version: str, broker: KafkaBroker, bootstrap: str) -> APIRouter:
    router = APIRouter(tags=["ops"])
    cached: dict[str, dict] = {}

    @router.get(
        "/asyncapi.json",
        summary="The service's AsyncAPI document",
        responses={200: {"content": {"application/json": {"example": EXAMPLE}}}},
    )
    async def asyncapi() -> dict[str, Any]:
        """The Kafka topics this service reads (receive) and writes (send), each with the
        schema of its event, as AsyncAPI 3.0."""
        if "doc" not in cached:
            cached["doc"] = document(service, version, broker, bootstrap)
        return cached["doc"]

    return router
