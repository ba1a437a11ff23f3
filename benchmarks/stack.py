"""The stack a benchmark measures: its own Kafka, Redis and services on free ports (the launcher
`make up` uses), so a benchmark never disturbs a running stack."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from deploy.localstack import Kafka, Redis, Service, free_port, service_env

PIPELINE = ("classifier", "escalation", "gateway", "desk", "pulse", "ingest")


@dataclass
class Stack:
    kafka: Kafka
    redis: Redis
    services: dict[str, Service]
    env: dict[str, str]

    def url(self, service: str) -> str:
        return self.services[service].url

    @property
    def pids(self) -> dict[str, int]:
        """Every process whose CPU a benchmark counts."""
        mine = {name: s.pid or 0 for name, s in self.services.items()}
        return mine | {"kafka": self.kafka.pid or 0, "redis": self.redis.pid or 0}


@contextmanager
def running_stack(
    names: tuple[str, ...] = PIPELINE,
    extra_env: dict | None = None,
    env_of: dict[str, dict[str, str]] | None = None,
) -> Iterator[Stack]:
    """`extra_env` for every service; `env_of` for one service (by name) only."""
    root = Path(tempfile.mkdtemp(prefix="bench-"))
    kafka = Kafka("kafka", root / "kafka.log", port=free_port(), controller_port=free_port(),
                  data_dir=root / "kafka")  # fmt: skip
    redis = Redis("redis", root / "redis.log", port=free_port(), data_dir=root / "redis",
                  appendonly=False)  # fmt: skip
    kafka.start()
    redis.start()
    ports = {name: free_port() for name in PIPELINE} | {name: free_port() for name in names}
    env = service_env(kafka.bootstrap, redis.url, ports) | (extra_env or {})
    services = {
        n: Service(n, root / f"{n}.log", port=ports[n], env=env | (env_of or {}).get(n, {}))
        for n in names
    }
    try:
        for service in services.values():
            service.start()
        yield Stack(kafka, redis, services, env)
    finally:
        for service in reversed(list(services.values())):
            service.stop(timeout=15)
        redis.stop(timeout=5)
        kafka.stop(timeout=10)
