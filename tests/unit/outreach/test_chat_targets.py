"""Chat webhooks are held to the deny list at every delivery, as platforms' webhooks are: a
subscription whose host later resolves somewhere private is refused, not called."""

from __future__ import annotations

import pytest

from services.outreach.adapters.channels import ChatPoster, DeliveryFailed
from services.shared.targets import DENIED_NETWORKS, DenyList, WebhookTargets


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/hook", "http://[::ffff:10.0.0.1]/hook", "http://169.254.169.254/"]
)
async def test_a_delivery_to_a_private_or_metadata_address_is_refused(url: str) -> None:
    poster = ChatPoster(1.0, WebhookTargets(DenyList.parse(DENIED_NETWORKS)))
    try:
        with pytest.raises(DeliveryFailed, match="chat webhook refused"):
            await poster.post(url, b"{}", "whsec_x", "d-1")
    finally:
        await poster.aclose()


async def test_allowing_private_addresses_still_refuses_link_local() -> None:
    targets = WebhookTargets(DenyList.parse(DENIED_NETWORKS, allow_private=True))
    assert (await targets.pin("http://127.0.0.1:8080/hook")).host_header == "127.0.0.1:8080"
    poster = ChatPoster(1.0, targets)
    try:
        with pytest.raises(DeliveryFailed, match="link-local"):
            await poster.post("http://169.254.169.254/", b"{}", "", "d-2")
    finally:
        await poster.aclose()
