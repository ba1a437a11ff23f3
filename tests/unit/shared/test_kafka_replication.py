"""How many copies each topic gets: what was asked, at most one per broker, and two in sync
once there are three, so one broker may die without losing an acknowledged write."""

from __future__ import annotations

from services.shared.kafka import replication


def test_one_broker_keeps_one_copy_and_needs_one_in_sync() -> None:
    assert replication(3, 1) == (1, {"min.insync.replicas": "1"})


def test_two_brokers_keep_two_copies_and_still_write_when_one_dies() -> None:
    assert replication(3, 2) == (2, {"min.insync.replicas": "1"})


def test_three_or_more_brokers_keep_three_copies_and_need_two_in_sync() -> None:
    assert replication(3, 3) == replication(3, 5) == (3, {"min.insync.replicas": "2"})


def test_asking_for_one_copy_keeps_one() -> None:
    assert replication(1, 3) == (1, {"min.insync.replicas": "1"})
