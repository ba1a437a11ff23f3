"""A real SMTP server for the tests (aiosmtpd): STARTTLS with a certificate made here, AUTH
required, one address it refuses; it keeps what it accepts."""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REFUSED = "nobody@example.com"
SMTP_USER, SMTP_PASSWORD = "digests", "s3cret"


def certificate(folder: Path) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1, and the server's TLS context with it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))  # fmt: skip
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == REFUSED:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode())
        )
        return "250 Message accepted"


def login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"digests",
        b"s3cret",
    )
    return AuthResult(success=good)


def mail_server(folder: Path, port: int) -> tuple[Mailbox, Controller]:
    """Started on 127.0.0.1:`port`; stop the controller when done."""
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=certificate(folder),
                      require_starttls=True, authenticator=login, auth_require_tls=True)  # fmt: skip
    smtp.start()
    return mailbox, smtp
