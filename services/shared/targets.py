"""Which addresses a webhook may be sent to (SSRF): platforms' webhooks (the gateway) and chat
webhooks for digests (outreach). `DenyList` decides on addresses (pure); `WebhookTargets`
resolves a host and holds it to the list, at registration and again at every delivery. A
delivery connects to the very address that was checked (the Host header and TLS name stay the
original), so a DNS answer that changes between the check and the connection cannot slip
through.

An address is judged by what it is, not by a list of ranges somebody remembered: it must be
global unicast (`ipaddress`'s `is_global`, which follows IANA's special-purpose registries), and
an IPv6 address that carries an IPv4 one (mapped `::ffff:a.b.c.d`, the old compatible
`::a.b.c.d`, NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`) must carry a global
one too, since a translator on the path would deliver to it. The configured deny list is then
refused on top (cloud metadata addresses that are global, such as Azure's 168.63.129.16).

Every address the host resolves to must pass, or one bad record would let a platform point the
gateway at a metadata service. `allow_private` admits the private-use ranges (RFC 1918, unique
local, carrier-grade NAT, loopback) for a self-hosted platform on the same network; link-local,
multicast, reserved and the denied addresses stay refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
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
# the default deny list (comma-separated CIDRs): private, loopback, link-local, multicast, and
# cloud metadata addresses that are global
DENIED_NETWORKS = (
    "127.0.0.0/8,::1/128,0.0.0.0/8,::/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,"
    "169.254.0.0/16,fe80::/10,fc00::/7,100.64.0.0/10,224.0.0.0/4,ff00::/8,"
    "168.63.129.16/32,100.100.100.200/32,fd00:ec2::254/128"
)
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries, where a translator or tunnel would deliver."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    value = int(address)
    if any(address in n for n in NAT64) or (value >> 32 == 0 and value > 1):
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)  # NAT64, or IPv4-compatible
    return None


def _kind(address: Address, allow_private: bool) -> str | None:
    """Why this one address is not a destination (None: it is global unicast, or private
    where private is allowed)."""
    if address.is_multicast:
        return "multicast"
    if address.is_link_local or getattr(address, "is_site_local", False):
        return "link-local or site-local"
    if allow_private and any(address in n for n in PRIVATE):
        return None
    if not address.is_global:
        return "not a global unicast address"
    return None


@dataclass(frozen=True)
class DenyList:
    networks: tuple[Network, ...]
    allow_private: bool = False

    @classmethod
    def parse(cls, cidrs: str, allow_private: bool = False) -> DenyList:
        networks = tuple(ipaddress.ip_network(c.strip()) for c in cidrs.split(",") if c.strip())
        if allow_private:
            networks = tuple(n for n in networks if n not in PRIVATE)
        return cls(networks, allow_private)

    def refusal(self, addresses: list[str]) -> str | None:
        """Why these addresses may not be called (None: they may)."""
        if not addresses:
            return "the host does not resolve"
        for text in addresses:
            reason = self.why_not(ipaddress.ip_address(text.split("%")[0]))
            if reason is not None:
                return reason
        return None

    def why_not(self, address: Address) -> str | None:
        candidates: list[Address] = [address]
        if isinstance(address, ipaddress.IPv6Address):
            inner = embedded_ipv4(address)
            if inner is not None:
                candidates = [inner] if address.ipv4_mapped is not None else [address, inner]
        for candidate in candidates:
            kind = _kind(candidate, self.allow_private)
            if kind is not None:
                return f"{candidate} is {kind}" + (
                    f" (inside {address})" if candidate != address else ""
                )
            hit = next((n for n in self.networks if candidate in n), None)
            if hit is not None:
                return f"{candidate} is in the denied network {hit}"
        return None


class TargetRefused(Exception):
    pass


@dataclass(frozen=True)
class PinnedTarget:
    url: httpx.URL  # with the checked address as its host
    host_header: str
    sni_hostname: str


class WebhookTargets:
    def __init__(self, deny: DenyList) -> None:
        self.deny = deny

    async def addresses(self, host: str) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError:
            return []
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    async def pin(self, url: str) -> PinnedTarget:
        """The address to connect to for `url`; TargetRefused naming why when it is denied."""
        parsed = httpx.URL(url)
        host = parsed.host
        addresses = await self.addresses(host)
        reason = self.deny.refusal(addresses)
        if reason is not None:
            raise TargetRefused(f"{host}: {reason}")
        netloc = parsed.netloc.decode()
        return PinnedTarget(parsed.copy_with(host=addresses[0]), netloc, host)
