"""Every service serves its AsyncAPI document: a receive operation for each topic it reads and
a send for each it writes, every message with its topic's event schema, every reference
resolved."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.classifier import handlers as classifier_handlers
from services.classifier.config import Settings as ClassifierSettings
from services.contracts import topics
from services.contracts.catalog import EVENTS, writers
from services.desk import handlers as desk_handlers
from services.desk.config import Settings as DeskSettings
from services.escalation import handlers as escalation_handlers
from services.escalation.config import Settings as EscalationSettings
from services.gateway import handlers as gateway_handlers
from services.gateway.config import Settings as GatewaySettings
from services.ingest import handlers as ingest_handlers
from services.ingest.config import Settings as IngestSettings
from services.outreach import handlers as outreach_handlers
from services.outreach.config import Settings as OutreachSettings
from services.pulse import handlers as pulse_handlers
from services.pulse.config import Settings as PulseSettings
from tests.unit.shared.test_openapi import APPS

HANDLERS = {
    "classifier": classifier_handlers, "desk": desk_handlers, "escalation": escalation_handlers,
    "gateway": gateway_handlers, "ingest": ingest_handlers, "pulse": pulse_handlers,
    "outreach": outreach_handlers,
}  # fmt: skip
SETTINGS = {
    "classifier": ClassifierSettings, "desk": DeskSettings, "escalation": EscalationSettings,
    "gateway": GatewaySettings, "ingest": IngestSettings, "pulse": PulseSettings,
    "outreach": OutreachSettings,
}  # fmt: skip
READS = {
    "desk": set(desk_handlers.PROJECTIONS),
    "gateway": {topics.DECISIONS, topics.POSTS_SUBMITTED, *gateway_handlers.VIEWS},
    "ingest": {topics.CREDENTIALS},
    "classifier": {topics.POSTS_SUBMITTED},
    "escalation": {
        topics.POSTS_SCORED,
        topics.POLICIES,
        topics.CRISIS,
        topics.SHIELDS,
        topics.REPORTER_MUTES,
        topics.GOLDEN,
        *escalation_handlers.COMMANDS,
    },
    "pulse": {topics.MOOD, topics.THEMES, *pulse_handlers.WATCHED},
    "outreach": set(outreach_handlers.PROJECTIONS),
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


def test_every_subscriber_decodes_its_topic_into_the_contracts_event() -> None:
    """What a handler receives is what the catalog says the topic carries: the decoding and
    the published contract cannot drift apart."""
    checked = set()
    for service, module in HANDLERS.items():
        for sub_router in module.router(SETTINGS[service]()).routers:
            for middleware in sub_router.config.broker_middlewares:
                for topic, model in middleware.reads.items():
                    assert model is EVENTS[topic], (service, topic)
                    checked.add(topic)
    assert checked == set().union(*READS.values())
