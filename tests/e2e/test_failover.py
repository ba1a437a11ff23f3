"""A broker of three killed (-9) while posts flow: a failover, not an outage. The services run on
a three-node KRaft cluster (each node broker and controller) whose topics keep three copies and
need two in sync; the node leading the most partitions of the posts topic is killed under a
steady load. Its partitions' leadership moves to the others, their in-sync replicas drop to
two, and ingest accepts again as soon as the controller has fenced the dead broker (until then
acks=all writes wait for it, and ingest answers 503 with Retry-After); every accepted post
still ends with exactly one decision. The
figures go to `.run/chaos.json` under "failover"."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from deploy.localstack import (
    Kafka,
    Redis,
    Service,
    free_port,
    kafka_cluster,
    service_env,
    start_cluster,
)
from services.contracts import topics
from tests.e2e.conftest import ORDER, wait_until_ingest_knows
from tests.e2e.test_chaos import Chaos, Load, kill, platform_key, record, under_load

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Chaos, list[Kafka]]]:
    root = tmp_path_factory.mktemp("failover")
    nodes = kafka_cluster(root, nodes=3, heap="384m")
    redis = Redis("redis", root / "redis.log", port=free_port(), data_dir=root / "redis")
    bootstrap = start_cluster(nodes)
    redis.start()
    ports = {name: free_port() for name in ORDER}
    env = {
        **service_env(bootstrap, redis.url, ports),
        "CLASSIFIER_MODEL": "offline",
        "CLASSIFIER_LANGUAGE_MODELS": "none",  # three JVMs share the two cores: English only
        "SHUTDOWN_GRACE_SECONDS": "10",
        "DEFAULT_RATE_LIMIT_PER_MINUTE": "100000",
    }
    services = {n: Service(n, root / f"{n}.log", port=ports[n], env=env) for n in ORDER}
    state = Chaos(nodes[0], redis, services, env, root)
    try:
        for name in ORDER:
            services[name].start()
        yield state, nodes
    finally:
        for service in state.services.values():
            service.stop(timeout=15)
        redis.stop(timeout=5)
        for node in nodes:
            node.stop(timeout=10)


async def partitions(bootstrap: str, topic: str) -> list[dict]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        return sorted(described["partitions"], key=lambda p: p["partition"])
    finally:
        await admin.close()


async def test_a_broker_of_three_killed_is_a_failover(cluster) -> None:
    chaos, nodes = cluster
    before = await partitions(chaos.bootstrap, topics.POSTS_SUBMITTED)
    assert all(len(p["replicas"]) == 3 and len(p["isr"]) == 3 for p in before), before
    headers = platform_key(chaos)
    await asyncio.to_thread(wait_until_ingest_knows, chaos.url("ingest"), headers)
    leading = Counter(p["leader"] for p in before).most_common(1)[0][0]
    victim = next(node for node in nodes if node.node_id == leading)
    survivors = ",".join(node.bootstrap for node in nodes if node is not victim)

    async def fault(load: Load) -> dict:
        kill(victim.process)
        down_at = time.monotonic()
        await asyncio.sleep(12)
        after = await partitions(survivors, topics.POSTS_SUBMITTED)
        answers = [a for a in load.answers if a[0] > down_at]
        accepted = [a[0] - down_at for a in answers if a[2] == 202]
        assert all(p["leader"] != leading for p in after), after
        assert all(leading not in p["isr"] and len(p["isr"]) == 2 for p in after), after
        assert accepted, "ingest accepted nothing after the kill"
        # writes to the partitions the dead broker led wait until the controller fences it (3 s
        # here) and their leaders move; posts to the others flow all along. So the failover is
        # over at the last refusal, not the first acceptance: after it every post is accepted
        refused = [a[0] - down_at for a in answers if a[2] != 202]
        settled = max(refused, default=0.0)
        assert settled < 8, f"ingest still refused posts {settled:.1f} s after the kill"
        assert [t for t in accepted if t > settled + 1], "nothing accepted after the failover"
        assert all(a[3] for a in answers if a[2] == 503), "a 503 without Retry-After"
        return {
            "brokers": len(nodes),
            "killed_node": leading,
            "partitions_it_led": sum(p["leader"] == leading for p in before),
            "leaders_after": [p["leader"] for p in after],
            "in_sync_replicas_after": sorted({len(p["isr"]) for p in after}),
            "answers_after_kill": len(answers),
            "refused_503_after_kill": sum(a[2] == 503 for a in answers),
            "first_accepted_seconds": round(min(accepted), 2),
            "last_refused_seconds": round(settled, 2),
        }

    figures = await under_load(chaos, headers, fault)
    record("failover: one broker of three killed", figures)
