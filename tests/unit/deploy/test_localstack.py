from __future__ import annotations

import json
import os
import socket

import pytest

from deploy import localstack
from deploy.localstack import (
    StackError,
    _alive,
    free_port,
    new_cluster_id,
    require_ports_free,
    require_tool,
)


def test_a_port_in_use_is_reported_by_name() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with pytest.raises(StackError, match=f"kafka port {port}"):
            require_ports_free({"kafka": port, "redis": free_port()})


def test_free_ports_pass() -> None:
    require_ports_free({"redis": free_port()})


def test_a_missing_tool_says_how_to_install_it() -> None:
    with pytest.raises(StackError, match="apt-get install no-such-tool"):
        require_tool("no-such-tool-xyz", "apt-get install no-such-tool")


def test_cluster_ids_never_look_like_an_option() -> None:
    ids = {new_cluster_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)


def test_a_process_is_alive_only_while_it_runs_what_was_started() -> None:
    assert _alive(os.getpid(), "pytest")
    assert not _alive(os.getpid(), "kafka.Kafka")  # a reused pid runs something else
    assert not _alive(2**22 + 7, "pytest")  # above pid_max: no such process


def test_a_recorded_stack_gives_its_pids_and_ports(tmp_path, monkeypatch) -> None:
    state = tmp_path / "stack.json"
    monkeypatch.setattr(localstack, "STATE", state)
    assert localstack._recorded() == ({}, {})
    state.write_text(json.dumps({"kafka": 11, "redis": 12}))  # written by an older `make up`
    assert localstack._recorded() == ({"kafka": 11, "redis": 12}, {})
    state.write_text(json.dumps({"pids": {"kafka": 11}, "ports": {"kafka": 9092}}))
    assert localstack._recorded() == ({"kafka": 11}, {"kafka": 9092})
