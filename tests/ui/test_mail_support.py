"""Fixtures shared by the mail tests of the desktop app (this module has no tests itself).

The books are written once per module through the services (issuing renders and
archives each PDF) and copied for every test:

- ``invoice``: an issued invoice for Acme GmbH (buyer@acme.example, copies to
  accounts@acme.example),
- ``credit_note``: an issued credit note correcting it,
- ``no_mail``: an issued invoice for a client without an e-mail address,
- ``draft``: a draft.

The keyring is a dict (``memory_keyring``) or none at all (``no_keyring``); the
machine's real keyring is never touched. ``answers`` answers every question the
mail screens ask and records what they reported.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QThreadPool, QUrl
from PySide6.QtWidgets import QApplication

from invoicedesk.db.engine import Database, open_database
from invoicedesk.services import invoices, mail_settings, secrets
from invoicedesk.services.mail_types import SmtpAccount
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.mail import (
    actions,
    compose_dialog,
    outbox_page,
    password,
    settings_dialog,
    templates_dialog,
)
from invoicedesk.ui.pdf import files
from invoicedesk.ui.worker import long_jobs_pool
from tests.factories import TODAY, issued_invoice, make_client, make_draft
from tests.keyrings import MemoryKeyring
from tests.mail_server import MailServer

CLIENT_MAIL = "buyer@acme.example"
COPY_MAIL = "accounts@acme.example"


@pytest.fixture
def keep_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    secrets.clear_session()
    try:
        yield
    finally:
        keyring.set_keyring(previous)
        secrets.clear_session()


@pytest.fixture
def memory_keyring(keep_keyring: None) -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def no_keyring(keep_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())


def fill_books(db: Database) -> dict[str, Any]:
    client = make_client(db, "Acme GmbH", email=CLIENT_MAIL, emails=(COPY_MAIL,))
    invoice = issued_invoice(db, client_id=client.id)
    credit = invoices.create_credit_note(db, invoice.id, today=TODAY)
    credit = invoices.issue(db, credit.id, today=TODAY)
    quiet = make_client(db, "Quiet Ltd")
    no_mail = issued_invoice(db, client_id=quiet.id)
    draft = make_draft(db, client_id=client.id)
    return {
        "client": client.id,
        "invoice": invoice.id,
        "invoice_number": invoice.number,
        "credit_note": credit.id,
        "no_mail": no_mail.id,
        "draft": draft.id,
    }


@pytest.fixture(scope="module")
def books_file(tmp_path_factory: pytest.TempPathFactory, migrated_file: Path) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("mail-books") / "books.sqlite"
    shutil.copyfile(migrated_file, path)
    database = open_database(str(path))
    ids = fill_books(database)
    database.dispose()
    return path, ids


@pytest.fixture
def db(tmp_path: Path, books_file: tuple[Path, dict]) -> Iterator[Database]:
    path = tmp_path / "test.sqlite"
    shutil.copyfile(books_file[0], path)
    database = open_database(str(path))
    yield database
    database.dispose()


@pytest.fixture
def books(books_file: tuple[Path, dict]) -> dict[str, Any]:
    return books_file[1]


@pytest.fixture
def ctx(db: Database) -> Iterator[AppContext]:
    context = AppContext(db)
    yield context
    # Nothing may run once the file is closed: the lists' loads and the outbox runs.
    QThreadPool.globalInstance().waitForDone(20000)
    long_jobs_pool().waitForDone(20000)
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        widget.close()
    QApplication.processEvents()
    gc.collect()


def configure(db: Database, server: MailServer, **changes: Any) -> SmtpAccount:
    """Store an account pointing at ``server``."""
    return mail_settings.save_account(db, server.account(**changes))


@dataclass
class Answers:
    confirm: bool = True
    password: str | None = None  # the answer to "Email password" (None: cancelled)
    recipient: str | None = ""  # the test email's address ("": the suggested one)
    files: list[Path] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # titles of confirm() questions
    asked_password: int = 0
    reports: list[str] = field(default_factory=list)
    opened: list[Path] = field(default_factory=list)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    given = Answers()

    def confirm(_parent: Any, title: str, *_args: Any, **_kwargs: Any) -> bool:
        given.asked.append(title)
        return given.confirm

    def report(_parent: Any, _title: str, text: str) -> None:
        given.reports.append(text)

    def ask_password(_parent: Any, _account: SmtpAccount) -> str | None:
        given.asked_password += 1
        return given.password

    def ask_recipient(_parent: Any, default: str) -> str | None:
        return default if given.recipient == "" else given.recipient

    def open_url(url: QUrl) -> bool:
        given.opened.append(Path(url.toLocalFile()))
        return True

    for module in (actions, compose_dialog, outbox_page, settings_dialog, templates_dialog):
        monkeypatch.setattr(module, "confirm", confirm)
    for module in (actions, outbox_page):
        monkeypatch.setattr(module, "report", report)
    monkeypatch.setattr(password, "ask_password", ask_password)
    monkeypatch.setattr(settings_dialog, "ask_recipient", ask_recipient)
    monkeypatch.setattr(compose_dialog, "choose_files", lambda _parent: list(given.files))
    monkeypatch.setattr(files, "open_url", open_url)
    return given
