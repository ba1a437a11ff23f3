"""A group's offsets are asked for again while a fresh broker has no coordinator yet."""

from __future__ import annotations

import pytest
from aiokafka.errors import GroupAuthorizationFailedError, GroupCoordinatorNotAvailableError

from services.shared.kafka import offsets_of


class Admin:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures, self.asked = failures, 0

    async def list_consumer_group_offsets(self, group_id: str) -> dict:
        self.asked += 1
        if self.failures:
            raise self.failures.pop(0)
        return {"offsets of": group_id}


async def test_asks_again_until_the_coordinator_is_up() -> None:
    admin = Admin([GroupCoordinatorNotAvailableError(), GroupCoordinatorNotAvailableError()])
    assert await offsets_of(admin, "views") == {"offsets of": "views"}
    assert admin.asked == 3


async def test_gives_up_after_its_attempts() -> None:
    admin = Admin([GroupCoordinatorNotAvailableError() for _ in range(5)])
    with pytest.raises(GroupCoordinatorNotAvailableError):
        await offsets_of(admin, "views", attempts=3)
    assert admin.asked == 3


async def test_does_not_retry_what_cannot_succeed() -> None:
    admin = Admin([GroupAuthorizationFailedError()])
    with pytest.raises(GroupAuthorizationFailedError):
        await offsets_of(admin, "views")
    assert admin.asked == 1
