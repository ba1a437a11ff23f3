"""Schemathesis against the running gateway and ingest: every operation of their OpenAPI specs,
with generated valid and invalid input, authenticated as a platform or an admin moderator.
No input may cause a server error (5xx)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.conftest import Infra
from tests.e2e.conftest import (
    Stack,
    admin_cli,
    wait_until_gateway_knows,
    wait_until_ingest_knows,
)

pytestmark = pytest.mark.e2e
FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
TENANT = "fuzz"


@pytest.fixture(scope="module")
def tokens(infra: Infra) -> dict[str, str]:
    key = admin_cli(
        infra, "keys", "create", "--tenant", TENANT, "--name", "fuzz", "--rate-limit", "1000000"
    )
    admin = admin_cli(
        infra, "moderators", "create", "--tenant", TENANT, "--id", "fuzz-admin", "--role", "admin"
    )
    return {"platform": key["token"], "admin": admin["token"]}


def fuzz(spec_url: str, call: Callable[[Any], int]) -> dict[str, int]:
    """Every operation of the spec, with hypothesis-generated cases; returns the cases run per
    operation and fails naming each operation that answered 5xx (with a curl to replay it)."""
    schema = schemathesis.openapi.from_url(spec_url)
    failures, counts = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        name = f"{operation.method.upper()} {operation.path}"
        counts[name] = 0
        try:
            check_operation(operation, name, call, counts)
        except AssertionError as failure:
            failures.append(f"{name}: {failure}")
    assert not failures, "\n".join(failures)
    return counts


def check_operation(operation, name: str, call: Callable[[Any], int], counts: dict) -> None:
    @given(case=operation.as_strategy())
    @FUZZ
    def run(case) -> None:
        counts[name] += 1
        status = call(case)
        assert status < 500, f"{status} for {case.as_curl_command()}"

    run()


STREAMS = ("/v1/decisions/stream", "/v1/moderation/live")  # endless by design: the head only


def status_of(case, base: str, headers: dict[str, str]) -> int:
    if case.path in STREAMS:
        kwargs = case.as_transport_kwargs(base_url=base, headers=headers)
        with requests.request(**kwargs, stream=True, timeout=15) as response:
            return response.status_code
    return case.call(base_url=base, headers=headers, timeout=30).status_code


def test_gateway_never_answers_5xx(stack: Stack, tokens: dict[str, str]) -> None:
    base = stack.url("gateway")
    wait_until_gateway_knows(base, {"authorization": f"Bearer {tokens['platform']}"})
    tokens = {**tokens, "internal": stack.internal_headers["Authorization"].split()[1]}

    def call(case) -> int:
        return status_of(case, base, authenticate(case, tokens))

    counts = fuzz(f"{base}/openapi.json", call)
    assert len(counts) >= 15 and all(counts.values()), counts


def test_desk_never_answers_5xx(stack: Stack, tokens: dict[str, str]) -> None:
    base = stack.url("desk")

    def call(case) -> int:
        return status_of(case, base, authenticate(case, tokens))

    counts = fuzz(f"{base}/openapi.json", call)
    assert len(counts) >= 20 and all(counts.values()), counts


def test_ingest_never_answers_5xx(stack: Stack, tokens: dict[str, str]) -> None:
    base = stack.url("ingest")
    headers = {"authorization": f"Bearer {tokens['platform']}"}
    wait_until_ingest_knows(base, headers)

    def call(case) -> int:
        return case.call(base_url=base, headers=headers, timeout=30).status_code

    counts = fuzz(f"{base}/openapi.json", call)
    assert "POST /v1/posts" in counts and all(counts.values()), counts


def authenticate(case, tokens: dict[str, str]) -> dict[str, str]:
    """Moderator routes get the admin token, internal ones the internal token, the rest the
    platform key (also as ?key=)."""
    staff = case.path.startswith(("/v1/moderation", "/v1/admin"))
    internal = case.path.startswith("/internal/") and "internal" in tokens
    token = tokens["internal" if internal else "admin" if staff else "platform"]
    if case.path.startswith("/v1alpha1/"):
        case.query = {**(case.query or {}), "key": token}
    return {"authorization": f"Bearer {token}"}
