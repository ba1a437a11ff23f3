"""Resolving a webhook's host and holding the gateway to the deny list (SSRF), at
registration and again at every delivery. A delivery connects to the very address that was
checked (the Host header and TLS name stay the original), so a DNS answer that changes
between the check and the connection cannot slip through."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

from services.gateway.domain.targets import DenyList


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
