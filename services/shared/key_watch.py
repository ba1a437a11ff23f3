"""A new platform key works once every service that checks it has read it from the credentials
topic (well within a second on a calm stack). The admin CLI's `keys create --wait` asks them
with the key, over their public APIs, so a script can use the key on its next line."""

from __future__ import annotations

import asyncio

import httpx

KNOWN = (200, 403, 422)  # anything but 401: 403 is a key without the scope, 422 an empty body


async def key_taken(token: str, ingest_posts: str, gateway_feed: str, timeout: float = 30) -> bool:
    """True once ingest (an empty post) and the gateway (the feed) answer the key as known."""
    deadline = asyncio.get_running_loop().time() + timeout
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=5.0, headers=headers) as client:
        for ask in (lambda: client.post(ingest_posts, json={}), lambda: client.get(gateway_feed)):
            while True:
                try:
                    if (await ask()).status_code in KNOWN:
                        break
                except httpx.TransportError:
                    pass  # not up yet
                if asyncio.get_running_loop().time() > deadline:
                    return False
                await asyncio.sleep(0.1)
    return True
