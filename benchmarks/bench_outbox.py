"""How long queueing and delivering 200 mails with a ~35 KB PDF each takes.

Run: ``python benchmarks/bench_outbox.py [--mails N] [--pdf-kb N] [--tls]``.
A local aiosmtpd server on 127.0.0.1 takes the messages (``--tls``: STARTTLS with a
self-signed certificate pinned by its SHA-256, as a business's own server would be
used). The database is a fresh file built by the migrations. Target: 200 mails
delivered in at most 10 s. This is a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from invoicedesk.db.engine import open_database
from invoicedesk.services import outbox
from invoicedesk.services.mail_types import Attachment, MailDraft, Security, SmtpAccount

TARGET_SECONDS = 10.0


class Sink:
    """Counts what arrives (messages, bytes, connections) and throws it away."""

    def __init__(self) -> None:
        self.lock = threading.Condition()  # notified on every connection
        self.messages = 0
        self.bytes = 0
        self.connections = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.original_content or b"")
        return "250 2.0.0 Ok"


class CountingController(Controller):
    def factory(self) -> SMTP:
        sink: Sink = self.handler

        class Counting(SMTP):
            def connection_made(self, transport: Any) -> None:
                if self._original_transport is None:  # not again after STARTTLS
                    with sink.lock:
                        sink.connections += 1
                        sink.lock.notify_all()
                super().connection_made(transport)

        return Counting(self.handler, **self.SMTP_kwargs)


def self_signed(directory: Path) -> tuple[ssl.SSLContext, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    der = cert.public_bytes(serialization.Encoding.DER)
    return context, "sha256:" + hashlib.sha256(der).hexdigest()


def fake_pdf(size: int, seed: int) -> bytes:
    """Bytes shaped like a PDF of ``size`` bytes (compressed streams look random)."""
    body = hashlib.shake_256(seed.to_bytes(4, "big")).digest(size)
    return b"%PDF-1.7\n" + body + b"\n%%EOF\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=200)
    parser.add_argument("--pdf-kb", type=int, default=35)
    parser.add_argument("--tls", action="store_true", help="STARTTLS with a pinned certificate")
    args = parser.parse_args()

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        db = open_database(str(directory / "bench.sqlite"))
        sink = Sink()
        kwargs: dict[str, Any] = {}
        account = SmtpAccount(
            host="127.0.0.1",
            security=Security.NONE,
            allow_insecure=True,
            sender="billing@muster.example",
            sender_name="Muster Software GmbH",
        )
        if args.tls:
            context, pin = self_signed(directory)
            kwargs.update(tls_context=context, require_starttls=True)
            account = replace(
                account, security=Security.STARTTLS, allow_insecure=False, pinned_certificate=pin
            )
        port = _free_port()
        account = replace(account, port=port)
        controller = CountingController(sink, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        with sink.lock:  # the Controller's own check at start, perhaps not yet counted
            sink.lock.wait_for(lambda: sink.connections > 0, timeout=10)
            sink.connections = 0
        try:
            drafts = [
                MailDraft(
                    to=(f"kunde{i}@acme.example",),
                    cc=("buchhaltung@acme.example",),
                    subject=f"Rechnung RE-2026-{i:04d} – Muster Software GmbH",
                    body="Guten Tag,\n\nanbei unsere Rechnung.\n\nMit freundlichen Grüßen\n",
                    attachments=(
                        Attachment(
                            f"Rechnung RE-2026-{i:04d}.pdf", fake_pdf(args.pdf_kb * 1000, i)
                        ),
                    ),
                )
                for i in range(args.mails)
            ]
            start = time.perf_counter()
            for draft in drafts:
                outbox.queue(db, draft, account)
            queued = time.perf_counter() - start

            start = time.perf_counter()
            cpu = time.process_time()
            report = outbox.deliver_due(db, account=account, password_provider=lambda _a: None)
            delivered = time.perf_counter() - start
            cpu = time.process_time() - cpu
        finally:
            controller.stop()
            db.dispose()

    mode = "STARTTLS, pinned" if args.tls else "plain"
    n = args.mails
    print(f"{n} mails, {args.pdf_kb} KB PDF each, {mode}, one connection per batch")
    print(f"queue:   {queued:6.2f} s   {queued / n * 1000:6.1f} ms per mail")
    print(
        f"deliver: {delivered:6.2f} s   {delivered / n * 1000:6.1f} ms per mail   "
        f"(client CPU {cpu:.2f} s, server in the same process)"
    )
    print(
        f"server:  {sink.messages} messages, {sink.bytes / 1e6:.1f} MB, "
        f"{sink.connections} connection(s)"
    )
    print(f"report:  {len(report.sent)} sent, {len(report.retrying)} retrying, "
          f"{len(report.failed)} failed, {len(report.unknown)} unknown {report.error}")  # fmt: skip
    verdict = "ok" if delivered <= TARGET_SECONDS and len(report.sent) == n else "MISSED"
    print(f"target:  delivery <= {TARGET_SECONDS:.0f} s for {n} mails: {verdict}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
