"""The OpenAPI documents teach: people's summaries, descriptions, every accepted security
scheme, and /readyz's 503."""

from __future__ import annotations

import pytest

from services.classifier.app import create_app as create_classifier
from services.classifier.config import Settings as ClassifierSettings
from services.desk.config import Settings as DeskSettings
from services.desk.main import create_app as create_desk
from services.escalation.app import create_app as create_escalation
from services.escalation.config import Settings as EscalationSettings
from services.gateway.config import Settings as GatewaySettings
from services.gateway.main import create_app as create_gateway
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest
from services.outreach.config import Settings as OutreachSettings
from services.outreach.main import create_app as create_outreach
from services.pulse.app import create_app as create_pulse
from services.pulse.config import Settings as PulseSettings
from services.shared.api import _generated

APPS = {
    "gateway": lambda: create_gateway(GatewaySettings()),
    "desk": lambda: create_desk(DeskSettings()),
    "ingest": lambda: create_ingest(IngestSettings()),
    "classifier": lambda: create_classifier(ClassifierSettings(classifier_model="offline")),
    "escalation": lambda: create_escalation(EscalationSettings()),
    "pulse": lambda: create_pulse(PulseSettings()),
    "outreach": lambda: create_outreach(OutreachSettings()),
}


def operations(name: str):
    schema = APPS[name]().openapi()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield schema, path, method, operation


@pytest.mark.parametrize("name", list(APPS))
def test_every_operation_has_a_summary_for_people_and_a_description(name: str) -> None:
    for _, path, method, operation in operations(name):
        where = f"{method.upper()} {path}"
        assert operation.get("summary") != _generated(path, method, operation), where
        assert operation.get("description"), f"{where} has no description"


@pytest.mark.parametrize("name", ["gateway", "ingest"])
def test_every_way_to_send_a_key_is_declared(name: str) -> None:
    schema = APPS[name]().openapi()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert (schemes["APIKeyHeader"]["in"], schemes["APIKeyHeader"]["name"]) == (
        "header",
        "X-API-Key",
    )
    assert (schemes["APIKeyQuery"]["in"], schemes["APIKeyQuery"]["name"]) == ("query", "key")
    secured = [op for _, p, _, op in operations(name) if p.startswith("/v1")]
    assert secured and all(
        {"HTTPBearer", "APIKeyHeader", "APIKeyQuery"} <= {k for s in op["security"] for k in s}
        for op in secured
    )


@pytest.mark.parametrize("name", list(APPS))
def test_readyz_documents_its_503(name: str) -> None:
    readyz = next(op for _, p, _, op in operations(name) if p == "/readyz")
    assert "503" in readyz["responses"]
    assert (
        readyz["responses"]["503"]["content"]["application/json"]["example"]["status"]
        == "not_ready"
    )


def test_the_platform_operations_carry_request_examples() -> None:
    schema = APPS["ingest"]().openapi()
    post = schema["components"]["schemas"]["SubmitPostRequest"]["properties"]
    assert post["text"]["examples"] and post["external_id"]["examples"]
    report = schema["components"]["schemas"]["ReportRequest"]["properties"]
    assert report["reason_code"]["examples"] == ["harassment"]


def _example_in(schema: dict, node: dict, depth: int = 0) -> bool:
    """Whether `node` (or a part of it a reader sees first) carries an example."""
    if "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "example" in node or "examples" in node:
        return True
    parts = [*node.get("properties", {}).values(), *node.get("oneOf", []), *node.get("anyOf", [])]
    parts += [node["items"]] if "items" in node else []
    return depth < 4 and any(_example_in(schema, part, depth + 1) for part in parts)


@pytest.mark.parametrize("name", list(APPS))
def test_every_json_request_and_response_has_an_example(name: str) -> None:
    missing = []
    for schema, path, method, operation in operations(name):
        bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
        bodies += [(code, r.get("content", {})) for code, r in operation["responses"].items()]
        for where, content in bodies:
            if where != "request" and not where.startswith("2"):
                continue
            media = content.get("application/json")
            if media and not ("example" in media or _example_in(schema, media.get("schema", {}))):
                missing.append(f"{method.upper()} {path} {where}")
    assert not missing, missing


@pytest.mark.parametrize("name", list(APPS))
def test_a_list_says_next_cursor_only_where_a_cursor_can_be_passed_back(name: str) -> None:
    """Every list answers as a Page (with a cursor the route takes back) or a Listing (none)."""
    for schema, path, method, operation in operations(name):
        answer = operation.get("responses", {}).get("200", {}).get("content", {})
        reference = answer.get("application/json", {}).get("schema", {}).get("$ref", "")
        model = (
            schema.get("components", {}).get("schemas", {}).get(reference.rsplit("/", 1)[-1], {})
        )
        if "next_cursor" not in model.get("properties", {}):
            continue
        taken = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert taken & {"cursor", "since"}, f"{method.upper()} {path} gives a cursor it never takes"
