"""Where digests go: e-mail through the deployment's SMTP server (STARTTLS and auth, with
`aiosmtplib`) and chat incoming webhooks (an HTTP POST, signed like platforms' webhooks).
Each raises DeliveryFailed with what went wrong; the caller retries with back-off."""

from __future__ import annotations

import time
from email.message import EmailMessage

import aiosmtplib
import httpx

from services.outreach.config import Settings
from services.shared.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign
from services.shared.targets import TargetRefused, WebhookTargets


class DeliveryFailed(Exception):
    pass


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self.settings
        if not s.smtp_host:
            raise DeliveryFailed("no SMTP server is configured (SMTP_HOST)")
        password = s.smtp_password.get_secret_value() if s.smtp_password else None
        try:
            await aiosmtplib.send(
                message, hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username,
                password=password, start_tls=s.smtp_starttls, validate_certs=s.smtp_validate_certs,
                timeout=s.smtp_timeout_seconds,
            )  # fmt: skip
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise DeliveryFailed(f"SMTP: {error!r}"[:500]) from error


class ChatPoster:
    """Posts to chat webhooks held to the deny list (SSRF) at every delivery, to the address
    that was checked."""

    def __init__(self, timeout: float, targets: WebhookTargets) -> None:
        self.http = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self.targets = targets

    async def post(self, url: str, body: bytes, secret: str, delivery: str) -> None:
        headers = {"content-type": "application/json", IDEMPOTENCY_HEADER: delivery}
        if secret:
            headers[SIGNATURE_HEADER] = sign(secret, int(time.time()), body)
        try:
            target = await self.targets.pin(url)
            response = await self.http.post(
                target.url, content=body, headers={**headers, "host": target.host_header},
                extensions={"sni_hostname": target.sni_hostname},
            )  # fmt: skip
        except TargetRefused as refused:
            raise DeliveryFailed(f"chat webhook refused: {refused}"[:500]) from refused
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"chat webhook: {error!r}"[:500]) from error
        if not response.is_success:
            raise DeliveryFailed(f"chat webhook answered HTTP {response.status_code}")

    async def aclose(self) -> None:
        await self.http.aclose()
