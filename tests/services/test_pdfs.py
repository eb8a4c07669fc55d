"""The PDF archive: issuing stores version 1, versions never change, drafts are previews,
cancelling archives a notice, a failed rendering issues nothing. PDFs are read back with
pdftotext and pypdf, never with our own code."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from types import SimpleNamespace

import pypdf
import pytest
from sqlalchemy import delete, func, select

from invoicedesk.core.document import AllowanceCharge, Discount
from invoicedesk.core.errors import DomainError
from invoicedesk.core.lifecycle import Status
from invoicedesk.db.engine import Database
from invoicedesk.db.models import StoredDocument
from invoicedesk.pdf.model import DocumentKind, Paper, Template
from invoicedesk.services import clients, invoices, pdfs, settings
from invoicedesk.services.inputs import ClientInput, ContactInput
from tests.factories import (
    ADDRESS,
    COMPANY,
    TODAY,
    issued_invoice,
    line,
    make_client,
    make_draft,
    pay,
    pdf_text,
    pdf_words,
)

LINES = (
    line("2", "50.00", "19", name="Website design"),
    line("3", "12.50", "7", name="Printed brochure"),
    line("1", "99.99", "19", name="Hosting setup"),
)


def _stored(db: Database, invoice_id: int) -> list[SimpleNamespace]:
    """The stored rows of an invoice, oldest first, as plain objects."""
    columns = ("kind", "version", "template", "filename", "sha256", "content")
    with db.read() as session:
        rows = session.execute(
            select(*(getattr(StoredDocument, c) for c in columns))
            .where(StoredDocument.invoice_id == invoice_id)
            .order_by(StoredDocument.id)
        )
        return [SimpleNamespace(**dict(zip(columns, row, strict=True))) for row in rows]


def _count_stored(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(StoredDocument)) or 0)


def _page_size(content: bytes) -> tuple[float, float]:
    box = pypdf.PdfReader(io.BytesIO(content)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def _amounts(value: Decimal) -> tuple[str, str]:
    """An amount as English and German number formats write it (12,345.60 / 12.345,60)."""
    english = f"{value:,.2f}"
    return english, english.replace(",", "_").replace(".", ",").replace("_", ".")


def _shows(text: str, value: Decimal) -> bool:
    return any(form in text for form in _amounts(value))


def _watermarked(content: bytes) -> bool:
    """Whether the diagonal DRAFT watermark is there (pypdf reads rotated text whole)."""
    return "DRAFT" in pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()


# --------------------------------------------------------------------------- issuing


def test_issuing_archives_version_1_with_everything_on_it(db: Database) -> None:
    view = issued_invoice(db, *LINES)
    assert view.number == "RE-2026-0001"
    (stored,) = _stored(db, view.id)
    assert (stored.kind, stored.version, stored.template) == ("invoice_pdf", 1, "classic")
    assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    assert stored.filename == "Invoice_RE-2026-0001.pdf"
    assert stored.content.startswith(b"%PDF")

    archived = pdfs.archived_pdf(db, view.id)
    assert archived is not None
    assert archived.content == stored.content
    assert archived.archived
    assert archived.filename == "Invoice_RE-2026-0001.pdf"

    text = pdf_text(stored.content)
    words = pdf_words(stored.content)
    assert "RE-2026-0001" in text
    assert COMPANY.name in text
    assert "Acme GmbH" in text and "Marktplatz 5" in text and "80331 München" in words
    for item in LINES:
        assert item.name in text
    totals = view.totals
    figures = [totals.line_total, totals.net, totals.gross, totals.due]
    figures += [t.base for t in totals.taxes] + [t.amount for t in totals.taxes]
    for amount in figures:
        assert _shows(text, amount), amount
    assert not _watermarked(stored.content)
    assert len(pypdf.PdfReader(io.BytesIO(stored.content)).pages) == 1
    assert _page_size(stored.content) == (595, 842)  # A4 for a German company


def test_new_version_is_added_and_the_newest_wins(db: Database) -> None:
    view = issued_invoice(db, *LINES)
    first = pdfs.archived_pdf(db, view.id)
    assert first is not None
    settings.set_setting(db, "pdf_template", "modern")
    version = pdfs.archive_new_version(db, view.id)
    assert (version.version, version.kind, version.template) == (2, "invoice_pdf", "modern")
    newest = pdfs.archived_pdf(db, view.id)
    assert newest is not None
    assert newest.content != first.content
    assert newest.template == "modern"
    assert hashlib.sha256(newest.content).hexdigest() == version.sha256
    assert pdfs.version_content(db, version.id) == newest.content
    listed = pdfs.list_versions(db, view.id)
    assert [(v.version, v.template) for v in listed] == [(2, "modern"), (1, "classic")]
    assert listed[1].size == len(first.content)
    assert pdfs.version_content(db, listed[1].id) == first.content
    # An explicit template for one version only.
    assert pdfs.archive_new_version(db, view.id, template="classic").version == 3


def test_drafts_are_previews_never_archived(db: Database) -> None:
    draft = make_draft(db, *LINES)
    preview = pdfs.render_preview(db, draft.id)
    assert not preview.archived
    assert preview.filename == f"Invoice_Draft-{draft.id}.pdf"
    assert _watermarked(preview.content)
    assert "Website design" in pdf_text(preview.content)
    assert pdfs.archived_pdf(db, draft.id) is None
    for_saving = pdfs.pdf_for(db, draft.id)
    assert not for_saving.archived and _watermarked(for_saving.content)
    with pytest.raises(DomainError) as error:
        pdfs.archive_new_version(db, draft.id)
    assert "only issued documents are archived" in error.value.message
    assert pdfs.list_versions(db, draft.id) == []
    assert _count_stored(db) == 0


def test_later_changes_never_touch_archived_pdfs(db: Database) -> None:
    view = issued_invoice(db, *LINES)
    before = pdfs.archived_pdf(db, view.id)
    assert before is not None
    settings.set_setting(db, "pdf_accent_color", "#AA0000")
    settings.set_setting(db, "pdf_template", "modern")
    settings.update_company(db, COMPANY.__class__(**{**COMPANY.snapshot(), "name": "Neu AG"}))
    client = clients.get_client(db, view.client_id)
    clients.update_client(db, client.id, ClientInput(name="Renamed Ltd", addresses=(ADDRESS,)))

    after = pdfs.archived_pdf(db, view.id)
    assert after is not None and after.content == before.content
    assert [d.sha256 for d in _stored(db, view.id)] == [hashlib.sha256(before.content).hexdigest()]

    pdfs.archive_new_version(db, view.id)
    newest = pdfs.archived_pdf(db, view.id)
    assert newest is not None and newest.content != before.content
    # Issued documents show the parties frozen at issue, whatever the profile says now.
    text = pdf_text(newest.content)
    assert COMPANY.name in text and "Acme GmbH" in text
    assert "Neu AG" not in text and "Renamed Ltd" not in text
    # Drafts show today's company and client.
    draft = make_draft(db, line(), client_id=view.client_id)
    live = pdf_text(pdfs.render_preview(db, draft.id).content)
    assert "Neu AG" in live and "Renamed Ltd" in live


def test_print_version_is_fresh_and_not_archived(db: Database) -> None:
    view = issued_invoice(db, *LINES)
    printed = pdfs.pdf_for(db, view.id, print_version=True)
    archived = pdfs.archived_pdf(db, view.id)
    assert archived is not None
    assert not printed.archived and printed.content != archived.content
    assert "RE-2026-0001" in pdf_text(printed.content)
    assert len(_stored(db, view.id)) == 1


def test_pdf_for_archives_issued_invoices_without_one(db: Database) -> None:
    """Demo and imported data have no archive: the first save archives version 1."""
    view = issued_invoice(db, *LINES)
    with db.write() as session:
        session.execute(delete(StoredDocument))
    assert pdfs.archived_pdf(db, view.id) is None
    pdf = pdfs.pdf_for(db, view.id)
    assert pdf.archived
    (stored,) = _stored(db, view.id)
    assert stored.content == pdf.content and stored.version == 1
    assert pdfs.pdf_for(db, view.id).content == pdf.content  # no second version
    assert len(_stored(db, view.id)) == 1


# --------------------------------------------------------------------------- other documents


def test_cancelling_archives_a_notice_and_keeps_the_invoice_pdf(db: Database) -> None:
    view = issued_invoice(db, *LINES)
    invoice_pdf = pdfs.archived_pdf(db, view.id)
    assert invoice_pdf is not None
    invoices.cancel(db, view.id, today=TODAY)
    listed = pdfs.list_versions(db, view.id)
    assert [(v.kind, v.version) for v in listed] == [("cancellation_pdf", 1), ("invoice_pdf", 1)]
    assert listed[0].filename == "Cancellation_RE-2026-0001.pdf"
    notice = pdf_words(pdfs.version_content(db, listed[0].id))
    assert "Cancellation of invoice RE-2026-0001" in notice
    assert "Acme GmbH" in notice
    still = pdfs.archived_pdf(db, view.id)
    assert still is not None and still.content == invoice_pdf.content
    # Uncancelled and cancelled again: a second notice.
    invoices.uncancel(db, view.id, today=TODAY)
    invoices.cancel(db, view.id, today=TODAY)
    kinds = [(v.kind, v.version) for v in pdfs.list_versions(db, view.id)]
    assert kinds[0] == ("cancellation_pdf", 2)


def test_credit_note_pdf_names_the_corrected_invoice(db: Database) -> None:
    view = issued_invoice(db, *LINES)
    note = invoices.create_credit_note(db, view.id, [1], issue=True, today=TODAY)
    assert note.number == "CN-2026-0001"
    (stored,) = _stored(db, note.id)
    assert stored.filename == "Credit-note_CN-2026-0001.pdf"
    words = pdf_words(stored.content)
    assert "Credit note" in words
    assert "RE-2026-0001" in words and "CN-2026-0001" in words
    assert "Website design" in words and "Hosting setup" not in words
    # A credit note draft issued later archives too.
    draft = invoices.create_credit_note(db, view.id, [3], today=TODAY)
    assert _stored(db, draft.id) == []
    invoices.issue(db, draft.id, today=TODAY)
    assert [d.version for d in _stored(db, draft.id)] == [1]


def test_cancelling_a_credit_note_archives_a_notice_naming_a_credit_note(db: Database) -> None:
    view = issued_invoice(db, *LINES)
    pay(db, view.id, str(view.totals.due))  # paid: the credit note stays open, cancellable
    note = invoices.create_credit_note(db, view.id, [1], issue=True, today=TODAY)
    invoices.cancel(db, note.id, today=TODAY)
    with db.read() as session:
        built = pdfs.pdf_input(session, note.id)
    assert built.reference_kind is DocumentKind.INVOICE  # the credit note's own PDF
    (notice,) = [v for v in pdfs.list_versions(db, note.id) if v.kind == "cancellation_pdf"]
    words = pdf_words(pdfs.version_content(db, notice.id))
    assert "Cancellation of credit note CN-2026-0001" in words
    assert "Credit note CN-2026-0001 (" in words  # the info block's reference row
    assert "Credit note CN-2026-0001 is cancelled." in words
    assert "invoice CN-" not in words.lower()


def test_german_client_gets_german_labels_and_name(db: Database) -> None:
    client = make_client(
        db,
        "Bäckerei Schmidt",
        language="de",
        contacts=(ContactInput(first_name="Eva", last_name="Schmidt"),),
    )
    view = issued_invoice(db, *LINES, client_id=client.id)
    pdf = pdfs.pdf_for(db, view.id)
    assert pdf.filename == "Rechnung_RE-2026-0001.pdf"
    text = pdf_text(pdf.content)
    assert "Rechnung" in text and "Invoice" not in text
    assert "Eva Schmidt" in text
    assert _amounts(view.totals.gross)[1] in text  # German number format
    with db.read() as session:
        built = pdfs.pdf_input(session, view.id)
    assert (built.language, built.locale) == ("de", "de_DE")
    assert built.buyer.contact == "Eva Schmidt"


def test_pdf_input_follows_the_rules(db: Database) -> None:
    settings.update_company(db, COMPANY.__class__(**{**COMPANY.snapshot(), "country": "US"}))
    client = make_client(db, "Globex", language="fr")
    view = issued_invoice(db, *LINES, client_id=client.id)
    draft = make_draft(db, line(), client_id=client.id)
    with db.read() as session:
        built = pdfs.pdf_input(session, view.id, template="modern", print_version=True)
        draft_input = pdfs.pdf_input(session, draft.id)
    assert built.kind is DocumentKind.INVOICE
    assert built.number == "RE-2026-0001"
    assert (built.language, built.locale) == ("en", "en_DE")  # French: English labels
    assert built.options.template is Template.MODERN and built.options.print_version
    assert built.options.paper is Paper.LETTER  # the company is in the US
    assert built.totals.gross == view.gross
    assert built.date == TODAY and built.due_date == TODAY + dt.timedelta(days=14)
    assert draft_input.number is None
    with db.read() as session, pytest.raises(DomainError) as error:
        pdfs.pdf_input(session, view.id, template="fancy")
    assert error.value.field == "template"


# --------------------------------------------------------------------------- failures


def test_a_failed_rendering_issues_nothing(db: Database) -> None:
    draft = make_draft(db, *LINES)
    settings.configure(db, COMPANY, {}, logo=b"\x89PNG\r\n\x1a\n this is not an image")
    with pytest.raises(DomainError) as error:
        invoices.issue(db, draft.id, today=TODAY)
    assert error.value.field == "company.logo"
    assert error.value.message.endswith("the invoice was not issued")
    still = invoices.get_invoice(db, draft.id)
    assert still.status is Status.DRAFT and still.number is None
    assert _count_stored(db) == 0
    # The number was not used up: with a good (no) logo the same number is issued.
    settings.configure(db, COMPANY, {}, logo=None)
    assert invoices.issue(db, draft.id, today=TODAY).number == "RE-2026-0001"


def test_a_failed_rendering_cancels_nothing(db: Database) -> None:
    view = issued_invoice(db, *LINES)
    settings.configure(db, COMPANY, {}, logo=b"GIF89a not a logo either")
    with pytest.raises(DomainError) as error:
        invoices.cancel(db, view.id, today=TODAY)
    assert "RE-2026-0001 was not cancelled" in error.value.message
    assert invoices.get_invoice(db, view.id).status is Status.OPEN
    assert [d.kind for d in _stored(db, view.id)] == ["invoice_pdf"]


def test_unknown_ids(db: Database) -> None:
    with pytest.raises(DomainError):
        pdfs.pdf_for(db, 999)
    with pytest.raises(DomainError):
        pdfs.list_versions(db, 999)
    with pytest.raises(DomainError):
        pdfs.version_content(db, 999)


# --------------------------------------------------------------------------- settings


def test_custom_file_name_pattern(db: Database) -> None:
    settings.set_setting(db, "pdf_filename_pattern", "{year}/{customer_number} {client}: {number}")
    view = issued_invoice(db, *LINES)
    assert pdfs.pdf_filename(db, view.id) == "2026_C-00001 Acme GmbH_ RE-2026-0001.pdf"
    assert _stored(db, view.id)[0].filename == "2026_C-00001 Acme GmbH_ RE-2026-0001.pdf"


def test_sample_pdf_uses_unsaved_settings(db: Database) -> None:
    classic = pdfs.sample_pdf(db, {})
    modern = pdfs.sample_pdf(db, {"pdf_template": "modern", "pdf_paper": "Letter"})
    assert classic != modern
    assert _page_size(modern) == (612, 792)
    text = pdf_text(classic)
    assert COMPANY.name in text and "Sample Client Ltd" in text
    assert not _watermarked(classic)
    assert settings.all_settings(db)["pdf_template"] == "classic"  # nothing saved
    with pytest.raises(DomainError) as error:
        pdfs.sample_pdf(db, {"pdf_accent_color": "red"})
    assert error.value.field == "settings.pdf_accent_color"


def test_show_qr_setting(db: Database) -> None:
    settings.update_company(
        db,
        COMPANY.__class__(
            **{**COMPANY.snapshot(), "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
        ),
    )
    with_qr = issued_invoice(db, *LINES)
    settings.set_setting(db, "pdf_show_qr", False)
    without = pdfs.archive_new_version(db, with_qr.id)
    first = pdfs.version_content(db, pdfs.list_versions(db, with_qr.id)[1].id)
    assert len(pdfs.version_content(db, without.id)) < len(first)


def test_the_contact_setting_prints_in_the_info_block(db: Database) -> None:
    settings.set_setting(db, "pdf_contact", "Erika Mustermann")
    issued = issued_invoice(db, *LINES)
    archived = pdfs.archived_pdf(db, issued.id)
    assert archived is not None
    assert "Contact Erika Mustermann" in " ".join(pdf_text(archived.content).split())


def test_a_renderer_failure_is_one_clear_message(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import invoicedesk.pdf.render

    def broken(_pdf: object) -> bytes:
        raise RuntimeError("font file missing")

    issued = issued_invoice(db, *LINES)
    draft = make_draft(db, *LINES)
    monkeypatch.setattr(invoicedesk.pdf.render, "render_pdf", broken)
    with pytest.raises(DomainError) as error:
        invoices.create_credit_note(db, issued.id, issue=True, today=TODAY)
    assert error.value.field == "pdf"
    assert error.value.message == (
        "the PDF could not be made (RuntimeError: font file missing) "
        "— the credit note was not issued"
    )
    with pytest.raises(DomainError):
        invoices.issue(db, draft.id, today=TODAY)
    assert invoices.get_invoice(db, draft.id).status is Status.DRAFT
    with pytest.raises(DomainError) as error:
        pdfs.render_preview(db, draft.id)
    assert error.value.message == "the PDF could not be made (RuntimeError: font file missing)"
    # Nothing of the failed credit note was written.
    assert invoices.get_invoice(db, issued.id).credit_note_numbers == ()
    assert [d.kind for d in _stored(db, issued.id)] == ["invoice_pdf"]


# --------------------------------------------------------------------------- tall totals


def _many_allowances(count: int) -> tuple[AllowanceCharge, ...]:
    return tuple(
        AllowanceCharge(
            is_charge=number % 2 == 1,
            value=Discount(amount=Decimal("1.00")),
            reason=f"Adjustment {number:02d}",
            tax_rate=Decimal(19),
        )
        for number in range(count)
    )


def test_an_invoice_with_totals_taller_than_a_page_issues(db: Database) -> None:
    draft = make_draft(db, *LINES, allowances_charges=_many_allowances(45))
    issued = invoices.issue(db, draft.id, today=TODAY)
    archived = pdfs.archived_pdf(db, issued.id)
    assert archived is not None
    assert len(pypdf.PdfReader(io.BytesIO(archived.content)).pages) >= 2
    words = pdf_words(archived.content)
    assert "Adjustment 00" in words and "Adjustment 44" in words
    assert "Amount due" in words and _shows(words, issued.totals.due)


def test_a_layout_failure_is_a_sentence_and_issues_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicedesk.pdf.blocks import TotalsBlock

    monkeypatch.setattr(TotalsBlock, "split", lambda self, width, height: [])
    draft = make_draft(db, *LINES, allowances_charges=_many_allowances(45))
    with pytest.raises(DomainError) as error:
        invoices.issue(db, draft.id, today=TODAY)
    assert error.value.field == "pdf"
    message = error.value.message
    assert message.startswith("the PDF could not be laid out: a part of the document")
    assert message.endswith(" — the invoice was not issued")
    assert "0x" not in message and "<" not in message and "Flowable" not in message
    assert invoices.get_invoice(db, draft.id).status is Status.DRAFT
    with pytest.raises(DomainError) as error:
        pdfs.render_preview(db, draft.id)
    assert "0x" not in error.value.message


def test_an_unexpected_failure_names_no_python_object(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import invoicedesk.pdf.render

    def broken(_pdf: object) -> bytes:
        raise ValueError(f"cannot draw {object()!r} in {object()!r}")

    draft = make_draft(db, *LINES)
    monkeypatch.setattr(invoicedesk.pdf.render, "render_pdf", broken)
    with pytest.raises(DomainError) as error:
        pdfs.render_preview(db, draft.id)
    assert error.value.message == "the PDF could not be made (ValueError: cannot draw … in …)"
