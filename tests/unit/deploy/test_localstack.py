from __future__ import annotations

import socket

import pytest

from deploy.localstack import (
    StackError,
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
