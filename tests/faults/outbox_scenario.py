"""The outbox under kill -9: ``invoicedesk outbox run`` delivering to a real SMTP server
(aiosmtpd, tests/mail_server.py) in this process, which counts what arrives."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from invoicedesk.db.engine import Database, open_database
from tests.factories import issued_invoice, line, make_client, new_database
from tests.faults import checks
from tests.faults.harness import Outcome, cli
from tests.faults.trials import PROBLEM, Scenario
from tests.mail_server import SENDER, MailServer


def message_ids(server: MailServer) -> Counter[str]:
    """How often each Message-ID reached the server (headers parsed by the standard
    library; the bodies are not needed)."""
    parser = BytesHeaderParser(policy=policy.default)
    return Counter(
        str(parser.parsebytes(r.data)["Message-ID"]).strip("<> ") for r in server.received
    )


class OutboxScenario(Scenario):
    """``invoicedesk outbox run`` delivering 40 queued mails to a real SMTP server."""

    name = "outbox"
    words = ("outbox",)
    invoices = 8
    copies = 5  # mails per invoice

    def __init__(self, folder: Path) -> None:
        self.server = MailServer().start()
        super().__init__(folder)

    def close(self) -> None:
        super().close()
        self.server.stop()

    def build(self, path: Path) -> None:
        db = new_database(path)
        client = make_client(db, "Acme GmbH", email="billing@acme.example").id
        for _ in range(self.invoices):
            invoice = issued_invoice(db, line(), client_id=client, today=dt.date.today())
            for copy in range(self.copies):
                self._queue(path, f"{invoice.number} ({copy + 1})", invoice.id, db)
        db.dispose()
        self.configure(path)
        # One undisturbed run on a copy: how long delivering takes, and that it works.
        calibration = self.folder / "calibration.sqlite"
        shutil.copyfile(path, calibration)
        before = len(self.server.received)
        outcome = self.workers.run(self.commands(calibration, self.folder), None)
        assert [d.code for d in outcome.done] == [0], outcome
        assert len(self.server.received) - before == self.invoices * self.copies
        self.max_delay = outcome.done[-1].at * 1.05

    def _queue(
        self, path: Path, what: str, invoice_id: int = 1, db: Database | None = None
    ) -> None:
        """Queue one mail with a 10 KB attachment through the service (``mail
        --queue-only`` composes the same kind of message from the archived PDF, at ten
        times the cost)."""
        from invoicedesk.services import outbox
        from invoicedesk.services.mail_types import Attachment, MailDraft

        draft = MailDraft(
            to=("billing@acme.example",),
            subject=f"Invoice {what}",
            body="Please find attached our invoice.\n",
            attachments=(Attachment(f"{what}.pdf", bytes(range(256)) * 40),),
            invoice_id=invoice_id,
        )
        database = db or open_database(str(path))
        try:
            outbox.queue(database, draft, self.server.account())
        finally:
            if db is None:
                database.dispose()

    def configure(self, path: Path) -> None:
        for key, value in (
            ("smtp.host", self.server.host),
            ("smtp.port", str(self.server.port)),
            ("smtp.allow_insecure", "true"),
            ("smtp.security", "none"),
            ("smtp.sender", SENDER),
        ):
            result = cli(path, "config", "set", key, value)
            assert result.code == 0, result

    def commands(self, db: Path, folder: Path) -> list[list[str]]:
        return [["--db", str(db), "outbox", "run"]]

    def run_commands(self, db: Path, folder: Path, delay: float) -> Outcome:
        # Every trial's copy holds the same messages: count this trial's arrivals only.
        with self.server.handler.lock:
            self.server.handler.received.clear()
        return super().run_commands(db, folder, delay)

    def _mail(self, db: Path) -> dict[str, str]:
        found = checks.rows(db, "SELECT message_id, status FROM outgoing_mail")
        return {str(m).strip("<> "): str(s) for m, s in found}

    def _deliveries(self, db: Path, allowed: set[str]) -> PROBLEM:
        arrived = message_ids(self.server)
        problems = [f"{m} arrived {n} times" for m, n in arrived.items() if n > 1]
        for message_id, state in self._mail(db).items():
            count = arrived.get(message_id, 0)
            if state not in allowed:
                problems.append(f"mail {message_id} is {state}")
            elif state == "sent" and count != 1:
                problems.append(f"mail {message_id} is sent but arrived {count} times")
            elif state == "queued" and count:
                problems.append(f"mail {message_id} is queued but arrived {count} times")
        return problems

    def after_kill(self, db: Path, outcome: Outcome) -> PROBLEM:
        self.sending = {m for m, s in self._mail(db).items() if s == "sending"}
        sent = sum(1 for s in self._mail(db).values() if s == "sent")
        total = self.invoices * self.copies
        self.notes.append("none sent" if not sent else "all sent" if sent == total else "some sent")
        self.notes.append(f"{len(self.sending)} left sending")
        return self._deliveries(db, {"queued", "sending", "sent"})

    def keep_working(self, db: Path, outcome: Outcome) -> PROBLEM:
        result = cli(db, "outbox", "run")
        if result.code not in (0, 2) or "internal error" in result.err:
            return [f"outbox run afterwards: {result}"]
        problems = self._deliveries(db, {"sent", "unknown"})
        unknown = {m for m, s in self._mail(db).items() if s == "unknown"}
        if unknown != self.sending:
            problems.append(f"unknown {sorted(unknown)} but left sending {sorted(self.sending)}")
        if self.sending and "unknown" not in result.err:
            problems.append(f"no note that the interrupted mail is unknown: {result.err!r}")
        self._queue(db, "afterwards")
        sent = cli(db, "outbox", "run")
        if sent.code != 0 or not sent.out.startswith("Sent 1,"):
            problems.append(f"a new mail afterwards: {sent}")
        return problems + self._deliveries(db, {"sent", "unknown"})
