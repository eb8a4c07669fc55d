"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd, in a thread of its own).

Every server records what it received (envelope and exact bytes) and how many
connections were opened to it. Behaviour is switched per test on the handler:
refuse a recipient with 550, answer 451 to the first N messages, drop the
connection after the data without replying. Servers speak plain SMTP, STARTTLS
(``require_starttls``) or implicit TLS, optionally with AUTH PLAIN/LOGIN for one
user, with a self-signed certificate made at test time.

Use the fixtures::

    from tests.mail_server import mail_server_fixture, make_mail_server_fixture  # + noqa F401

    def test_something(mail_server, db):        # a plain server, started
        account = mail_server.account()         # an SmtpAccount pointing at it
        ...
        assert mail_server.received[0].message()["Subject"] == "Hello"

    def test_tls(make_mail_server, tls_cert):
        server = make_mail_server(tls="starttls", auth=("user", "secret"))
        account = server.account(pinned_certificate=tls_cert.fingerprint)

Nothing sleeps: ``start()`` and ``stop()`` are the Controller's own, which return
once the server answers or has stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Literal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from invoicedesk.services.mail_types import Security, SmtpAccount

TlsMode = Literal["none", "starttls", "ssl"]
SENDER = "billing@muster.example"


@dataclass(frozen=True)
class Received:
    """One message the server accepted (or swallowed before dropping the connection)."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes  # exactly what arrived after DATA, dot-unstuffed, CRLF line ends

    def message(self) -> EmailMessage:
        """The message parsed back by the standard library (not our code)."""
        parsed = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    """Records what arrives; the switches below make it misbehave on purpose."""

    # recipient address (lower case) -> the reply to RCPT TO, e.g. "550 5.1.1 <x@y>: ..."
    reject: dict[str, str] = field(default_factory=dict)
    # answer this many messages (DATA) with ``temporary_reply`` before accepting any
    temporary_failures: int = 0
    temporary_reply: str = "451 4.3.0 Temporary local problem, try again later"
    # take the data, then close the connection without answering (the UNKNOWN case)
    drop_after_data: bool = False
    require_auth: bool = False  # 530 to MAIL FROM before a successful AUTH
    received: list[Received] = field(default_factory=list)
    data_attempts: int = 0  # DATA transactions seen, accepted or not
    rcpt_attempts: list[str] = field(default_factory=list)  # every RCPT TO, refused or not
    connections: int = 0  # TCP connections opened by clients
    logins: list[tuple[str, str]] = field(default_factory=list)  # (mechanism, user) that passed
    lock: threading.Condition = field(default_factory=threading.Condition)  # notified on connect

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        # aiosmtpd's own auth_required cannot be combined with implicit TLS (it only counts
        # STARTTLS as encrypted), so the handler enforces it.
        if self.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self.lock:
            self.rcpt_attempts.append(address)
        reply = self.reject.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        with self.lock:
            self.data_attempts += 1
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return self.temporary_reply
            self.received.append(
                Received(
                    sender=str(envelope.mail_from),
                    recipients=tuple(envelope.rcpt_tos),
                    data=content,
                )
            )
        if self.drop_after_data:
            assert server.transport is not None
            server.transport.close()  # the client waits for a reply that never comes
        return "250 2.0.0 Ok: queued as TEST"


class _CountingSMTP(SMTP):
    def connection_made(self, transport: Any) -> None:
        handler = self.event_handler
        if self._original_transport is None:  # not the same connection after STARTTLS
            with handler.lock:
                handler.connections += 1
                handler.lock.notify_all()
        super().connection_made(transport)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


@dataclass(frozen=True)
class TlsCert:
    cert_path: Path
    key_path: Path
    fingerprint: str  # "sha256:<hex>" of the DER certificate, as SmtpAccount pins it

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context


def make_self_signed(directory: Path, common_name: str = "localhost") -> TlsCert:
    """A self-signed certificate for localhost and 127.0.0.1 (cryptography, else openssl)."""
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    try:
        _self_signed_cryptography(cert_path, key_path, common_name)
    except ImportError:  # pragma: no cover - cryptography is there wherever pip is
        import subprocess

        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-days", "30", "-subj", f"/CN={common_name}",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(key_path), "-out", str(cert_path)],
            check=True, capture_output=True,
        )  # fmt: skip
    der = ssl.PEM_cert_to_DER_cert(cert_path.read_text())
    return TlsCert(cert_path, key_path, "sha256:" + hashlib.sha256(der).hexdigest())


def _self_signed_cryptography(cert_path: Path, key_path: Path, common_name: str) -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Authenticator:
    """Accepts exactly one user and password, with any mechanism aiosmtpd offers."""

    def __init__(self, user: str, password: str, handler: Handler) -> None:
        self._user, self._password, self._handler = user, password, handler

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if (
            isinstance(data, LoginPassword)
            and data.login.decode() == self._user
            and data.password.decode() == self._password
        ):
            with self._handler.lock:
                self._handler.logins.append((mechanism, self._user))
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


class MailServer:
    """One aiosmtpd server on 127.0.0.1; not started until :meth:`start`."""

    def __init__(
        self,
        *,
        port: int | None = None,
        tls: TlsMode = "none",
        cert: TlsCert | None = None,
        auth: tuple[str, str] | None = None,
        mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN"),
        data_size_limit: int | None = 33_554_432,
        handler: Handler | None = None,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = port if port is not None else free_port()
        self.tls = tls
        self.cert = cert
        self.handler = handler or Handler()
        kwargs: dict[str, Any] = {"data_size_limit": data_size_limit}
        ssl_context = None
        if tls != "none":
            assert cert is not None, "a TLS server needs a certificate"
            if tls == "ssl":
                ssl_context = cert.server_context()
            else:
                kwargs.update(tls_context=cert.server_context(), require_starttls=True)
        if auth is not None:
            assert tls != "none", "AUTH is tested over TLS only"
            kwargs.update(
                authenticator=Authenticator(auth[0], auth[1], self.handler),
                # aiosmtpd never offers AUTH on implicit TLS when it "requires TLS"
                auth_require_tls=tls == "starttls",
                auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in mechanisms],
            )
            self.handler.require_auth = True
        self._kwargs = kwargs
        self._ssl_context = ssl_context
        self._controller: _Controller | None = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    @property
    def connections(self) -> int:
        """Connections opened by clients since the server started."""
        with self.handler.lock:
            return self.handler.connections

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> MailServer:
        assert self._controller is None, "already running"
        controller = _Controller(
            self.handler,
            hostname=self.host,
            port=self.port,
            ssl_context=self._ssl_context,
            **self._kwargs,
        )
        connections = self.handler.connections
        controller.start()  # returns once the server has answered a first connection
        with self.handler.lock:
            # That first connection was the Controller's own: not a client's. start() may
            # return before the server thread has counted it, so wait for it, then forget it.
            counted = self.handler.lock.wait_for(
                lambda: self.handler.connections > connections, timeout=10
            )
            assert counted, "the server never counted the Controller's own connection"
            self.handler.connections = connections
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def account(self, **changes: Any) -> SmtpAccount:
        """An SmtpAccount pointing at this server (security from the server's TLS mode)."""
        security = {"none": Security.NONE, "starttls": Security.STARTTLS, "ssl": Security.SSL}
        account = SmtpAccount(
            host=self.host,
            port=self.port,
            security=security[self.tls],
            sender=SENDER,
            sender_name="Muster Software GmbH",
            allow_insecure=self.tls == "none",
            timeout=5.0,
        )
        return replace(account, **changes)


MakeServer = Callable[..., MailServer]


# Fixture functions are named *_fixture and registered under the short name, so a test
# module imports them (``from tests.mail_server import mail_server_fixture`` with a
# ``noqa`` for F401) without its test parameters shadowing the import.


@pytest.fixture(scope="session", name="tls_cert")
def tls_cert_fixture(tmp_path_factory: pytest.TempPathFactory) -> TlsCert:
    """A self-signed certificate for localhost/127.0.0.1, made once per run."""
    return make_self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture(name="make_mail_server")
def make_mail_server_fixture(tls_cert: TlsCert) -> Iterator[MakeServer]:
    """Builds servers (``start=False`` for one that comes up later); stops them all at the end.

    Keyword arguments are those of :class:`MailServer`; ``cert`` defaults to ``tls_cert``.
    """
    servers: list[MailServer] = []

    def make(*, start: bool = True, **kwargs: Any) -> MailServer:
        kwargs.setdefault("cert", tls_cert)
        server = MailServer(**kwargs)
        servers.append(server)
        return server.start() if start else server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(name="mail_server")
def mail_server_fixture(make_mail_server: MakeServer) -> MailServer:
    """A plain SMTP server (no TLS, no AUTH), started."""
    return make_mail_server()
