"""Composing an invoice's mail: the client's addresses, the rendered text, the archived PDF."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from invoicedesk.core.errors import ConflictError, DomainError
from invoicedesk.db.engine import Database
from invoicedesk.services import invoices, mail_compose, mail_templates, pdfs, settings
from invoicedesk.services.mail_types import Attachment, MailDraft
from tests.factories import issued_invoice, make_client, make_draft


def test_compose_for_the_clients_addresses(db: Database) -> None:
    client = make_client(
        db,
        "Müller GmbH",
        language="de",
        email="Rechnung@Mueller.EXAMPLE",
        emails=("buchhaltung@mueller.example", "rechnung@mueller.example"),
    )
    invoice = issued_invoice(db, client_id=client.id)
    draft = mail_compose.compose_for_invoice(db, invoice.id)
    assert draft.to == ("Rechnung@mueller.example",)
    assert draft.cc == ("buchhaltung@mueller.example",)  # the further address, once
    assert draft.bcc == ()
    assert (draft.subject, draft.body) == mail_templates.render(db, invoice.id)
    assert draft.invoice_id == invoice.id and draft.reminder_id is None

    (attachment,) = draft.attachments
    archived = pdfs.archived_pdf(db, invoice.id)
    assert archived is not None
    assert attachment == Attachment("Rechnung_RE-2026-0001.pdf", archived.content)
    assert "RE-2026-0001" in _pdf_text(attachment.content)


def _pdf_text(content: bytes) -> str:
    """The PDF's text as a real parser (pypdf) reads it."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_compose_uses_the_file_name_pattern(db: Database) -> None:
    settings.set_setting(db, "pdf_filename_pattern", "{number} {client}")
    invoice = issued_invoice(db, client_id=make_client(db, email="a@acme.example").id)
    draft = mail_compose.compose_for_invoice(db, invoice.id)
    assert draft.attachments[0].filename == "RE-2026-0001 Acme GmbH.pdf"


def test_further_addresses_are_the_recipients_without_a_main_one(db: Database) -> None:
    client = make_client(db, emails=("a@acme.example", "b@acme.example"))
    invoice = issued_invoice(db, client_id=client.id)
    draft = mail_compose.compose_for_invoice(db, invoice.id)
    assert (draft.to, draft.cc) == (("a@acme.example", "b@acme.example"), ())


def test_inactive_addresses_are_left_out(db: Database) -> None:
    from invoicedesk.db.models import ClientEmail

    client = make_client(db, email="main@acme.example", emails=("old@acme.example",))
    with db.write() as session:
        for row in session.query(ClientEmail):
            row.is_active = False
    invoice = issued_invoice(db, client_id=client.id)
    draft = mail_compose.compose_for_invoice(db, invoice.id)
    assert (draft.to, draft.cc) == (("main@acme.example",), ())


def test_given_recipients_replace_the_clients(db: Database) -> None:
    client = make_client(db, email="main@acme.example", emails=("copy@acme.example",))
    invoice = issued_invoice(db, client_id=client.id)
    draft = mail_compose.compose_for_invoice(
        db, invoice.id, to=["x@y.example", " X@Y.example ", "z@y.example"], template="invoice"
    )
    assert (draft.to, draft.cc) == (("x@y.example", "z@y.example"), ())
    with pytest.raises(DomainError) as error:
        mail_compose.compose_for_invoice(db, invoice.id, to=["not an address"])
    assert error.value.field == "to"
    assert error.value.message.startswith("'not an address' is not a valid e-mail address")


def test_refused(db: Database) -> None:
    client = make_client(db, email="a@acme.example")
    draft = make_draft(db, client_id=client.id)
    with pytest.raises(ConflictError, match="issue the invoice before sending it"):
        mail_compose.compose_for_invoice(db, draft.id)
    issued = invoices.issue(db, draft.id)
    invoices.cancel(db, issued.id)
    with pytest.raises(ConflictError, match="RE-.* is cancelled; a cancelled document is not"):
        mail_compose.compose_for_invoice(db, issued.id)
    nobody = issued_invoice(db, client_id=make_client(db, "Nomail AG").id)
    with pytest.raises(DomainError, match="Nomail AG has no e-mail address; add one to the"):
        mail_compose.compose_for_invoice(db, nobody.id)
    with pytest.raises(DomainError, match="there is no invoice with id 999"):
        mail_compose.compose_for_invoice(db, 999)


def test_add_files(tmp_path: Path) -> None:
    draft = MailDraft(to=("a@b.example",), subject="s", body="b")
    (tmp_path / "terms.txt").write_text("Terms", encoding="utf-8")
    (tmp_path / "data.xyz123").write_bytes(b"\x00\x01")
    with_files = mail_compose.add_files(draft, [tmp_path / "terms.txt", tmp_path / "data.xyz123"])
    assert with_files.attachments == (
        Attachment("terms.txt", b"Terms", "text/plain"),
        Attachment("data.xyz123", b"\x00\x01", "application/octet-stream"),
    )
    assert draft.attachments == ()  # frozen: a new draft

    with pytest.raises(DomainError) as error:
        mail_compose.add_files(draft, [tmp_path / "missing.pdf"])
    assert (error.value.field, error.value.message) == (
        str(tmp_path / "missing.pdf"),
        "there is no such file",
    )
    with pytest.raises(DomainError, match="is a folder, not a file"):
        mail_compose.add_files(draft, [tmp_path])
    if os.name == "posix" and os.geteuid() != 0:
        locked = tmp_path / "locked.pdf"
        locked.write_bytes(b"%PDF")
        locked.chmod(0)
        with pytest.raises(DomainError, match=r"cannot be read \(permission denied\)"):
            mail_compose.add_files(draft, [locked])


def test_add_files_refuses_huge_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail_compose, "MAX_FILE_BYTES", 10)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 11)
    with pytest.raises(DomainError, match="mail servers refuse attachments over"):
        mail_compose.add_files(MailDraft(to=(), subject="", body=""), [big])
