"""Topics moving into a merged consumer group keep their place, on real Kafka: the new group
starts where each old group stopped, not from the beginning, and only the first time."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from services.shared.kafka import adopt_offsets
from tests.conftest import Infra
from tests.integration.helpers import produce

pytestmark = pytest.mark.integration


async def create(bootstrap: str, *names: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, 1, 1) for name in names])
    finally:
        await admin.close()


async def commit(bootstrap: str, group: str, topic: str, offset: int) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )  # with auto-commit, stopping could commit the position it reset to (the end) over ours
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        await consumer.commit({partition: offset})
    finally:
        await consumer.stop()


async def committed(bootstrap: str, group: str) -> dict[str, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp.topic: meta.offset for tp, meta in offsets.items()}


async def first_read(bootstrap: str, group: str, topic: str) -> bytes:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        return (await consumer.getone()).value
    finally:
        await consumer.stop()


async def test_a_merged_group_starts_where_the_old_groups_stopped(infra: Infra) -> None:
    bootstrap, run = infra.kafka_bootstrap, uuid.uuid4().hex[:8]
    cases, strikes, never = f"cases-{run}", f"strikes-{run}", f"never-read-{run}"
    await create(bootstrap, cases, strikes, never)
    await produce(bootstrap, cases, [b"case-0", b"case-1", b"case-2"])
    await produce(bootstrap, strikes, [b"strike-0", b"strike-1"])
    await commit(bootstrap, f"old-cases-{run}", cases, 2)
    await commit(bootstrap, f"old-strikes-{run}", strikes, 1)
    legacy = {
        cases: f"old-cases-{run}",
        strikes: f"old-strikes-{run}",
        never: f"old-never-{run}",  # a group that never committed: nothing to carry
    }

    carried = await adopt_offsets(bootstrap, f"views-{run}", legacy)

    assert carried == 2
    assert await committed(bootstrap, f"views-{run}") == {cases: 2, strikes: 1}
    assert await first_read(bootstrap, f"views-{run}", cases) == b"case-2"


async def test_a_group_with_offsets_of_its_own_keeps_them(infra: Infra) -> None:
    bootstrap, run = infra.kafka_bootstrap, uuid.uuid4().hex[:8]
    cases = f"cases-{run}"
    await create(bootstrap, cases)
    await produce(bootstrap, cases, [b"case-0", b"case-1", b"case-2"])
    await commit(bootstrap, f"old-{run}", cases, 1)
    await commit(bootstrap, f"views-{run}", cases, 3)  # it has read further since

    carried = await adopt_offsets(bootstrap, f"views-{run}", {cases: f"old-{run}"})

    assert carried == 0
    assert await committed(bootstrap, f"views-{run}") == {cases: 3}
