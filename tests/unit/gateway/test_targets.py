"""Webhook targets: the default deny list, and what allowing private networks changes."""

from __future__ import annotations

import pytest

from services.gateway.config import Settings
from services.shared.targets import DenyList

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


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 to 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 to the metadata address
        "64:ff9b:1::a00:1",  # local-use NAT64 to 10.0.0.1
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254
        "::127.0.0.1",  # IPv4-compatible loopback
        "::10.0.0.1",
        "198.18.0.1",  # benchmarking
        "240.0.0.1",  # reserved
        "255.255.255.255",  # broadcast
        "192.0.2.10",  # documentation
        "2001:db8::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "fec0::1",  # site-local
        "ff02::1",
        "224.0.0.251",
    ],
)
def test_addresses_are_judged_by_what_they_are_not_by_a_list(address: str) -> None:
    assert DEFAULT.refusal([address]) is not None
    assert DenyList.parse("").refusal([address]) is not None  # even with no list configured


def test_a_global_address_behind_nat64_or_6to4_passes() -> None:
    assert DEFAULT.refusal(["64:ff9b::5db8:d822", "2002:5db8:d822::1"]) is None


def test_the_refusal_names_the_carried_address() -> None:
    reason = DEFAULT.refusal(["64:ff9b::7f00:1"])
    assert reason is not None and "127.0.0.1" in reason and "64:ff9b::7f00:1" in reason


def test_a_global_address_on_the_list_stays_refused() -> None:
    assert DEFAULT.refusal(["168.63.129.16"]) is not None
    assert PRIVATE_OK.refusal(["168.63.129.16"]) is not None
