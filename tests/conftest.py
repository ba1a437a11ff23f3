"""Session fixtures: one real Kafka broker and one real Redis on free ports for the whole run.

Unit tests never touch them (the fixtures are lazy), so `pytest tests/unit` needs nothing running.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.localstack import Kafka, Redis, free_port


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    redis_url: str
    logs: Path

    def env(self) -> dict[str, str]:
        return {"KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap, "REDIS_URL": self.redis_url}


@contextmanager
def own_infra(root: Path) -> Iterator[Infra]:
    """A Kafka broker and a Redis of their own, on free ports, stopped on exit."""
    kafka = Kafka(
        "kafka",
        root / "kafka.log",
        port=free_port(),
        controller_port=free_port(),
        data_dir=root / "kafka",
        heap="512m",
    )
    redis = Redis(
        "redis", root / "redis.log", port=free_port(), data_dir=root / "redis", appendonly=False
    )
    kafka.start()
    try:
        redis.start()
        yield Infra(kafka.bootstrap, redis.url, root)
    finally:
        redis.stop(timeout=5)
        kafka.stop(timeout=10)


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    with own_infra(tmp_path_factory.mktemp("infra")) as infra:
        previous = {k: os.environ.get(k) for k in infra.env()}
        os.environ.update(infra.env())
        yield infra
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def tenant() -> str:
    """A tenant name no other test uses, so tests sharing the broker never see each other's posts."""
    return f"t{uuid.uuid4().hex[:10]}"
