"""The search box's FTS5 trigram index stays in step with invoices and clients."""

from __future__ import annotations

from dataclasses import replace

from invoicedesk.services import clients, invoices
from invoicedesk.services.search import InvoiceFilter, list_invoices
from tests.factories import invoice_input, issued_invoice, line, make_client, make_draft


def _numbers_found(db, term: str) -> list[str | None]:
    return sorted(
        (row.number or f"draft {row.id}")
        for row in list_invoices(db, InvoiceFilter(search=term), limit=50)
    )


def test_issue_number_title_and_note_are_found(db):
    client = make_client(db, "Nordlicht Design")
    issued = issued_invoice(db, line(), client_id=client.id, title="Relaunch Webseite")
    assert _numbers_found(db, issued.number) == [issued.number]
    assert _numbers_found(db, "relaunch") == [issued.number]
    assert _numbers_found(db, "NORDLICHT") == [issued.number]
    assert _numbers_found(db, client.customer_number) == [issued.number]


def test_renaming_a_client_updates_the_index(db):
    client = make_client(db, "Alte Firma")
    issued = issued_invoice(db, line(), client_id=client.id)
    clients.update_client(db, client.id, replace(client.data, name="Neue Werkstatt"))
    assert _numbers_found(db, "Werkstatt") == [issued.number]
    assert _numbers_found(db, "Alte Firma") == []


def test_edited_and_deleted_drafts_leave_no_stale_entries(db):
    client = make_client(db, "Kunde")
    draft = make_draft(db, line(), client_id=client.id, title="Erster Entwurf")
    invoices.update_draft(db, draft.id, invoice_input(client.id, line(), title="Zweiter Entwurf"))
    assert _numbers_found(db, "Erster") == []
    assert _numbers_found(db, "Zweiter") == [f"draft {draft.id}"]
    invoices.delete_draft(db, draft.id)
    assert _numbers_found(db, "Zweiter") == []


def test_short_terms_and_wildcards_still_work_without_the_index(db):
    client = make_client(db, "XY Bau")
    issued = issued_invoice(db, line(), client_id=client.id, title="100% Rabatt_aktion")
    assert _numbers_found(db, "XY") == [issued.number]  # two characters: scanned
    assert _numbers_found(db, "100%") == [issued.number]  # literal %, not a wildcard
    assert _numbers_found(db, "t_a") == [issued.number]
    assert _numbers_found(db, "0%R") == []
