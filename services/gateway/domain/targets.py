"""Which addresses a webhook may be sent to (SSRF). Pure: the caller resolves the host, this
decides on the addresses.

Every address the host resolves to must be outside the deny list, or one bad record would let
a platform point the gateway at a metadata service. `allow_private` lifts the private and
loopback ranges (a self-hosted platform on the same network); link-local and the cloud
metadata addresses stay refused unless removed from the list itself.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PRIVATE = tuple(
    ipaddress.ip_network(n)
    for n in (
        "127.0.0.0/8",
        "::1/128",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "fc00::/7",
        "100.64.0.0/10",
    )
)


@dataclass(frozen=True)
class DenyList:
    networks: tuple[Network, ...]

    @classmethod
    def parse(cls, cidrs: str, allow_private: bool = False) -> DenyList:
        networks = tuple(ipaddress.ip_network(c.strip()) for c in cidrs.split(",") if c.strip())
        if allow_private:
            networks = tuple(n for n in networks if n not in PRIVATE)
        return cls(networks)

    def refusal(self, addresses: list[str]) -> str | None:
        """Why these addresses may not be called (None: they may)."""
        if not addresses:
            return "the host does not resolve"
        for text in addresses:
            address = ipaddress.ip_address(text.split("%")[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            hit = next((n for n in self.networks if address in n), None)
            if hit is not None:
                return f"{address} is in the denied network {hit}"
        return None
