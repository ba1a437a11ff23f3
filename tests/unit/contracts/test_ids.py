"""Random event ids: well-formed version 4 UUIDs, never repeated, not shared with a fork."""

from __future__ import annotations

import os
import uuid

from services.contracts.ids import random_uuid


def test_ids_are_version_4_uuids_and_do_not_repeat() -> None:
    ids = [random_uuid() for _ in range(20_000)]  # past several refills of the pool
    assert len(set(ids)) == len(ids)
    for found in ids[:600]:
        parsed = uuid.UUID(found)
        assert str(parsed) == found and parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_a_forked_child_draws_its_own() -> None:
    random_uuid()  # the parent's pool holds 255 more
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.write(write, random_uuid().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    theirs = os.read(read, 64).decode()
    os.close(read)
    assert theirs != random_uuid()
