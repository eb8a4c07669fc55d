"""One SMTP connection to the business's own server: TLS, login, and handing over messages.

TLS is always verified. Without a pin, the server's certificate must chain to a
certificate authority the operating system trusts (``truststore``: the same store
the system's browser uses). With a pin (``SmtpAccount.pinned_certificate``), the
authorities are not asked, but the SHA-256 of the server's certificate must equal the
pin, checked before the password or any message is sent. ``smtplib`` on its own
verifies nothing, so every TLS connection here gets one of these two contexts.

Each message is handed over with MAIL, RCPT and DATA step by step, so a failure can
be told apart: refused before the data went out (nothing was delivered; safe to try
again) or connection lost after the whole message went out but before the server
answered (it may have been delivered: :attr:`MailError.uncertain`).

The password is only encoded into the AUTH exchange (smtplib's debug output stays
off); no message, log line or ``repr`` contains it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import smtplib
import socket
import ssl
from collections.abc import Sequence
from types import TracebackType

import truststore

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import tr
from invoicedesk.services.mail_message import (
    build_message,
    check_addresses,
    message_bytes,
    wire_address,
)
from invoicedesk.services.mail_settings import normalise_fingerprint, wire_host
from invoicedesk.services.mail_types import MailDraft, Security, SmtpAccount

log = logging.getLogger(__name__)


class MailError(Exception):
    """Sending failed; ``message`` says why in words a person can act on.

    ``reply`` is the server's exact answer ("550 5.1.1 <x@y>: Recipient address
    rejected"), "" when there was none. ``temporary``: trying again later may work
    (4xx, no connection). ``uncertain``: the connection was lost after the whole
    message was handed over and before the server confirmed it, so it may have
    been delivered.
    """

    def __init__(
        self, message: str, *, reply: str = "", temporary: bool = False, uncertain: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reply = reply
        self.temporary = temporary
        self.uncertain = uncertain


def fingerprint_of(der_certificate: bytes) -> str:
    return "sha256:" + hashlib.sha256(der_certificate).hexdigest()


def _tls_context(pinned: bool) -> ssl.SSLContext:
    if pinned:
        # The pin replaces the authorities and the host name: _check_pin() compares the
        # certificate itself before anything else is said on the connection.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def _address_literal(sock: socket.socket | None) -> str:
    """Our own address as EHLO argument ("[192.0.2.7]"): no DNS lookup, nothing private."""
    try:
        address = str(sock.getsockname()[0]) if sock is not None else "127.0.0.1"
    except OSError:
        return "[127.0.0.1]"
    return f"[IPv6:{address}]" if ":" in address else f"[{address}]"


def _where(account: SmtpAccount) -> str:
    return f"{account.host}:{account.port}"


def _network_error(
    exc: BaseException, account: SmtpAccount, *, uncertain: bool = False
) -> MailError:
    """A readable MailError for a failure of the connection itself."""
    where = _where(account)
    if uncertain:
        return MailError(
            f"the connection to {where} was lost after the message was handed over, before the "
            "server confirmed it: it may or may not have arrived. Check your Sent folder or ask "
            "the recipient, then resend or cancel",
            uncertain=True,
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or str(exc)
        return MailError(
            f"the certificate of {account.host} could not be verified ({reason}). If this is "
            "your own server with a self-signed certificate, pin its certificate in the mail "
            "settings"
        )
    if isinstance(exc, ssl.SSLError):
        return MailError(
            f"the encrypted connection to {where} failed ({exc.reason or exc}); check the port "
            "and the security setting (implicit TLS is usually port 465, STARTTLS port 587)"
        )
    if isinstance(exc, socket.gaierror):
        return MailError(f"the server name {account.host} could not be found", temporary=True)
    if isinstance(exc, ConnectionRefusedError):
        return MailError(f"{where} refused the connection", temporary=True)
    if isinstance(exc, TimeoutError | socket.timeout):
        return MailError(
            f"{where} did not answer within {account.timeout:g} seconds", temporary=True
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailError(f"{where} closed the connection", temporary=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = _reply_text(exc.smtp_code, exc.smtp_error)
        return MailError(
            f"{where} answered: {reply}", reply=reply, temporary=400 <= exc.smtp_code < 500
        )
    return MailError(f"the connection to {where} failed: {exc}", temporary=True)


class SmtpConnection:
    """One connection to the account's server, reused for a batch of messages.

    ``with SmtpConnection(account, password) as connection: connection.send(...)``.
    Opening connects, secures (STARTTLS or implicit TLS), checks the pin, logs in.
    Raises :class:`MailError` (network, TLS, login) or DomainError (settings).
    """

    def __init__(self, account: SmtpAccount, password: str | None) -> None:
        self.account = account
        self._password = password
        self._smtp: smtplib.SMTP | None = None
        self.size_limit: int | None = None  # the server's SIZE (EHLO), None if it gave none
        # Whether the last send() began to transmit the message's data: an interruption
        # before that cannot have delivered anything.
        self.data_started = False

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return (
            f"<SmtpConnection {_where(self.account)} {self.account.security.value} "
            f"user={self.account.username!r} {state}>"
        )

    @property
    def is_open(self) -> bool:
        return self._smtp is not None

    def __enter__(self) -> SmtpConnection:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        account = self.account
        if not account.host:
            raise DomainError("enter the SMTP server in the mail settings", "smtp.host")
        if account.security is Security.NONE and not account.allow_insecure:
            raise DomainError(
                "sending without encryption exposes the password and every invoice; choose "
                "STARTTLS or SSL/TLS, or explicitly allow an unencrypted connection",
                "smtp.security",
                code="insecure_connection",
            )
        if account.username and not self._password:
            raise DomainError(
                "no password is stored for {username}; enter it in the mail settings",
                "smtp.password",
                params={"username": account.username},
            )
        pinned = normalise_fingerprint(account.pinned_certificate)
        log.debug("connecting to %s (%s)", _where(account), account.security.value)
        try:
            smtp = self._connect(pinned)
            self._smtp = smtp
            if account.security is Security.SSL:
                self._check_pin(pinned)
            self._ehlo()
            if account.security is Security.STARTTLS:
                if not smtp.has_extn("starttls"):
                    raise MailError(
                        f"{_where(account)} does not offer STARTTLS; choose SSL/TLS (usually "
                        "port 465) or ask your provider for the right port"
                    )
                smtp.starttls(context=_tls_context(bool(pinned)))
                self._check_pin(pinned)
                self._ehlo()
            size = smtp.esmtp_features.get("size", "").strip()
            self.size_limit = int(size) if size.isdigit() and int(size) > 0 else None
            if account.username:
                self._login()
        except MailError:
            self._drop()
            raise
        except (OSError, smtplib.SMTPException) as exc:  # SMTPException is an OSError
            self._drop()
            raise _network_error(exc, account) from exc
        log.info("connected to %s (%s)", _where(account), account.security.value)

    def _connect(self, pinned: str) -> smtplib.SMTP:
        account = self.account
        # "localhost" only keeps smtplib from a slow getfqdn(); _ehlo() sends our address.
        # The host in its IDNA 2008 form: smtplib/socket would encode it by IDNA 2003, and
        # TLS checks the certificate against this name.
        host = wire_host(account.host)
        smtp: smtplib.SMTP
        if account.security is Security.SSL:
            smtp = smtplib.SMTP_SSL(
                host,
                account.port,
                local_hostname="localhost",
                timeout=account.timeout,
                context=_tls_context(bool(pinned)),
            )
        else:
            smtp = smtplib.SMTP(
                host, account.port, local_hostname="localhost", timeout=account.timeout
            )
        if smtp.sock is not None:
            # SMTP is request/response: without this, Nagle's algorithm holds the tail of
            # each message until the server's delayed ACK (40 ms and more per message; 9x
            # slower over TLS in benchmarks/bench_outbox.py).
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return smtp

    def _ehlo(self) -> None:
        smtp = self._require()
        smtp.local_hostname = _address_literal(smtp.sock)
        code, text = smtp.ehlo()
        if not 200 <= code < 300:
            reply = _reply_text(code, text)
            raise MailError(
                f"{_where(self.account)} refused the greeting: {reply}",
                reply=reply,
                temporary=400 <= code < 500,
            )

    def _check_pin(self, pinned: str) -> None:
        if not pinned:
            return
        sock = self._require().sock
        der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
        actual = fingerprint_of(der) if der else "(none)"
        if not hmac.compare_digest(actual, pinned):
            raise MailError(
                f"the server's certificate changed: {_where(self.account)} now shows {actual}, "
                f"the settings pin {pinned}. If your provider renewed the certificate, pin the "
                "new one; otherwise someone may be intercepting the connection"
            )

    def _login(self) -> None:
        """AUTH PLAIN, else LOGIN, with the user name and password as UTF-8.

        Not ``smtplib.SMTP.login``: it encodes the password as ASCII (a "ä" fails with
        an exception that carries the password) and keeps it on the object.
        """
        smtp = self._require()
        account = self.account
        offered = (
            smtp.esmtp_features.get("auth", "").upper().split() if smtp.has_extn("auth") else []
        )
        if not offered:
            raise MailError(
                f"{_where(account)} offers no login (AUTH) on this connection; check the "
                "security setting, or leave the user name empty if the server needs none"
            )
        user = account.username.encode("utf-8")
        secret = (self._password or "").encode("utf-8", "replace")
        if "PLAIN" in offered:
            token = base64.b64encode(b"\0" + user + b"\0" + secret).decode("ascii")
            code, text = smtp.docmd("AUTH", "PLAIN " + token)
        elif "LOGIN" in offered:
            code, text = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(user).decode("ascii"))
            if code == 334:
                code, text = smtp.docmd(base64.b64encode(secret).decode("ascii"))
        else:
            raise MailError(
                f"{_where(account)} offers no login method InvoiceDesk knows (it offers "
                f"{' '.join(offered)}; InvoiceDesk uses PLAIN or LOGIN over TLS)"
            )
        if code not in (235, 503):  # 503: already logged in
            reply = _reply_text(code, text)
            raise MailError(
                f"{_where(account)} did not accept the user name or password of "
                f"{account.username}: {reply}",
                reply=reply,
                temporary=400 <= code < 500,
            )
        log.debug("logged in to %s as %s", _where(account), account.username)

    def _require(self) -> smtplib.SMTP:
        if self._smtp is None:
            raise MailError(f"not connected to {_where(self.account)}", temporary=True)
        return self._smtp

    def send(self, message_bytes: bytes, sender: str, recipients: Sequence[str]) -> str:
        """Hand over one message; returns the server's final reply ("250 2.0.0 Ok: queued …").

        Raises MailError: ``temporary`` for 4xx and connections lost before the data
        went out, ``uncertain`` when lost after, neither for refusals (5xx, too big).
        A refused recipient refuses the whole message (RSET): it goes to everyone or
        to no one.
        """
        smtp = self._require()
        where = _where(self.account)
        if self.size_limit is not None and len(message_bytes) > self.size_limit:
            raise MailError(too_big_message(len(message_bytes), self.size_limit, where))
        self.data_started = False
        handed_over = False
        for address in (sender, *recipients):
            if not address.isascii():
                # smtplib would fail with UnicodeEncodeError halfway through the envelope.
                # Nothing was said to the server: refused for good, never "unknown".
                raise MailError(
                    f"the address {address} cannot be sent: it is not in its ASCII form (an "
                    "international domain must go out as xn--…, and a name before the @ with "
                    "accents needs SMTPUTF8, which InvoiceDesk does not use)"
                )
        try:
            options = [f"SIZE={len(message_bytes)}"] if smtp.has_extn("size") else []
            code, text = smtp.mail(sender, options)
            if code != 250:
                self._refused(code, text, f"{where} refused the sender {sender}")
            for recipient in recipients:
                code, text = smtp.rcpt(recipient)
                if code not in (250, 251):
                    self._refused(code, text, f"{where} refused the recipient {recipient}")
            code, text = smtp.docmd("DATA")
            if code != 354:
                self._refused(code, text, f"{where} refused the message")
            self.data_started = True  # from here on it may arrive (see outbox)
            smtp.send(_dot_stuffed(message_bytes))
            handed_over = True
            code, text = smtp.getreply()
        except MailError:
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise _network_error(exc, self.account, uncertain=handed_over) from exc
        reply = _reply_text(code, text)
        if not 200 <= code < 300:
            if code == 421:
                self._drop()
            raise MailError(
                f"{where} did not accept the message: {reply}",
                reply=reply,
                temporary=400 <= code < 500,
            )
        log.debug("%s accepted a message for %d recipients", where, len(recipients))
        return reply

    def _refused(self, code: int, text: bytes, what: str) -> None:
        """End the transaction after a refusal and raise it."""
        reply = _reply_text(code, text)
        if code == 421:  # the server is closing the connection
            self._drop()
        else:
            try:
                self._require().rset()
            except (OSError, smtplib.SMTPException):
                self._drop()
        raise MailError(f"{what}: {reply}", reply=reply, temporary=400 <= code < 500)

    def close(self) -> None:
        """Say QUIT and close; never raises."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            smtp.close()

    def _drop(self) -> None:
        """Close without QUIT (the connection is broken or must not be used any more)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: lines starting with "." doubled, ended by CRLF "." CRLF."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def too_big_message(size: int, limit: int, where: str | None) -> str:
    """Why a message is refused for its size (``where``: the server, None when unnamed)."""
    if where is None:
        text = tr(
            "the message is {size} and the server accepts at most {limit}; "
            "send fewer or smaller attachments"
        )
    else:
        text = tr(
            "the message is {size} and {where} accepts at most {limit}; "
            "send fewer or smaller attachments"
        )
    return text.format(size=megabytes(size), where=where, limit=megabytes(limit))


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def send_test_email(account: SmtpAccount, password: str | None, to: str) -> str:
    """Send a short test message to ``to``; returns the server's answer.

    Raises MailError with the server's exact answer when anything fails, DomainError
    for settings that cannot work (no server, no sender, bad address).
    """
    (recipient,) = check_addresses([to], "to")
    check_addresses([account.sender], "smtp.sender")
    draft = MailDraft(
        to=(recipient,),
        subject="InvoiceDesk test message",
        body=(
            "This message was sent by InvoiceDesk to check the mail settings:\n\n"
            f"server {_where(account)}, security {account.security.value}, "
            f"user {account.username or '(none)'}.\n\n"
            "If you can read it, invoices can be sent by e-mail.\n"
        ),
    )
    data = message_bytes(build_message(draft, account))
    with SmtpConnection(account, password) as connection:
        return connection.send(data, wire_address(account.sender), (wire_address(recipient),))


def certificate_fingerprint(host: str, port: int, security: Security, timeout: float) -> str:
    """The "sha256:<hex>" of the certificate ``host`` shows (DER bytes, not verified), for
    the person to compare and pin."""
    account = SmtpAccount(host=host, port=port, security=security, timeout=timeout)
    if security is Security.NONE:
        raise DomainError("an unencrypted connection has no certificate", "smtp.security")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    smtp: smtplib.SMTP | None = None
    host = wire_host(host)
    try:
        if security is Security.SSL:
            smtp = smtplib.SMTP_SSL(
                host, port, local_hostname="localhost", timeout=timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(host, port, local_hostname="localhost", timeout=timeout)
            smtp.local_hostname = _address_literal(smtp.sock)
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise MailError(f"{host}:{port} does not offer STARTTLS")
            smtp.starttls(context=context)
        sock = smtp.sock
        der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
        if not der:
            raise MailError(f"{host}:{port} showed no certificate")
        return fingerprint_of(der)
    except (OSError, smtplib.SMTPException) as exc:
        raise _network_error(exc, account) from exc
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            smtp.close()
