"""The four services as real processes (`python -m services.<name>`) on the session's Kafka and Redis."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from deploy.localstack import Service, free_port, service_env
from tests.conftest import Infra

ORDER = ("classifier", "escalation", "gateway", "ingest")


@dataclass
class Stack:
    services: dict[str, Service]

    def url(self, name: str) -> str:
        return self.services[name].url


@pytest.fixture(scope="package")  # stopped before the integration tests start their own apps
def stack(infra: Infra) -> Iterator[Stack]:
    ports = {name: free_port() for name in ORDER}
    env = {
        **service_env(infra.kafka_bootstrap, infra.redis_url, ports),
        "SHUTDOWN_GRACE_SECONDS": "10",
        "CLASSIFIER_MODEL": "offline",
    }
    services = {
        name: Service(name, infra.logs / f"{name}.log", port=ports[name], env=env) for name in ORDER
    }
    started = []
    try:
        for name in ORDER:
            services[name].start()
            started.append(services[name])
        yield Stack(services)
    finally:
        for service in reversed(started):
            service.stop(timeout=15)
