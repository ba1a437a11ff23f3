"""Webhook targets: the default deny list, and what allowing private networks changes."""

from __future__ import annotations

import pytest

from services.gateway.config import Settings
from services.gateway.domain.targets import DenyList

DEFAULT = DenyList.parse(Settings().webhook_deny_networks)
PRIVATE_OK = DenyList.parse(Settings().webhook_deny_networks, allow_private=True)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "::1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
        "fe80::1", "fd00:ec2::254", "::ffff:169.254.169.254", "0.0.0.0", "100.100.100.200",
    ],
)  # fmt: skip
def test_the_default_list_refuses_loopback_private_link_local_and_metadata(address: str) -> None:
    assert DEFAULT.refusal([address]) is not None


def test_public_addresses_pass() -> None:
    assert DEFAULT.refusal(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]) is None


def test_one_bad_address_among_good_ones_refuses() -> None:
    reason = DEFAULT.refusal(["93.184.216.34", "169.254.169.254"])
    assert reason is not None and "169.254.169.254" in reason


def test_an_unresolvable_host_is_refused() -> None:
    assert DEFAULT.refusal([]) == "the host does not resolve"


def test_allowing_private_networks_keeps_metadata_and_link_local_refused() -> None:
    for allowed in ("127.0.0.1", "10.0.0.5", "192.168.0.10", "::1"):
        assert PRIVATE_OK.refusal([allowed]) is None
    for refused in ("169.254.169.254", "fe80::1", "fd00:ec2::254", "100.100.100.200"):
        assert PRIVATE_OK.refusal([refused]) is not None
