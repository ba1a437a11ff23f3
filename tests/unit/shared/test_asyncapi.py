"""Every service serves its AsyncAPI document: a receive operation for each topic it reads and
a send for each it writes, every message with its topic's event schema, every reference
resolved."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.contracts import topics
from services.contracts.catalog import EVENTS, writers
from services.desk import handlers as desk_handlers
from services.gateway import handlers as gateway_handlers
from tests.unit.shared.test_openapi import APPS

READS = {
    "desk": set(desk_handlers.PROJECTIONS),
    "gateway": {topics.DECISIONS, topics.POSTS_SUBMITTED, *gateway_handlers.VIEWS},
    "ingest": {topics.CREDENTIALS},
    "classifier": {topics.POSTS_SUBMITTED},
}


@pytest.fixture(scope="module", params=list(APPS))
def served(request: pytest.FixtureRequest) -> tuple[str, dict]:
    client = TestClient(APPS[request.param]())  # not entered: no lifespan, nothing connects
    answer = client.get("/asyncapi.json")
    assert answer.status_code == 200
    return request.param, answer.json()


def operations(document: dict, action: str) -> set[str]:
    channels = document["channels"]
    return {
        channels[op["channel"]["$ref"].rsplit("/", 1)[1]]["address"]
        for op in document["operations"].values()
        if op["action"] == action
    }


def test_it_sends_what_the_contracts_say_it_writes(served: tuple[str, dict]) -> None:
    service, document = served
    assert document["asyncapi"].startswith("3.")
    written = {s.name for s in topics.TOPICS if service in writers(s)} | {topics.DEAD_LETTER}
    assert operations(document, "send") == written


def test_it_receives_what_its_handlers_read(served: tuple[str, dict]) -> None:
    service, document = served
    received = operations(document, "receive")
    assert received and received <= set(EVENTS)
    if service in READS:
        assert received == READS[service]


def test_every_message_has_its_events_schema_and_every_reference_resolves(
    served: tuple[str, dict],
) -> None:
    _, document = served
    schemas = document["components"]["schemas"]
    for name, message in document["components"]["messages"].items():
        payload = message["payload"]
        assert payload.get("$ref") or payload.get("properties") or payload.get("oneOf"), name
    text = str(document)
    for reference in {part.split("'")[0] for part in text.split("#/components/schemas/")[1:]}:
        assert reference in schemas, reference
