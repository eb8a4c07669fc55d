"""The search box ignores accents and case, short terms match the start of names and
numbers, and the client sort follows the folded names: through the services, on a real
migrated file (the index is kept by its triggers, or by hand in bulk work)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from invoicedesk.db.search_index import fold
from invoicedesk.services import clients, invoice_batches, invoices
from invoicedesk.services.search import InvoiceFilter, list_invoices, row_ids
from tests.factories import invoice_input, issued_invoice, make_client, make_draft


def _clients_found(db, term: str) -> list[str]:
    return sorted(row.client_name for row in list_invoices(db, InvoiceFilter(search=term)))


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Müller", "muller"), ("MÜLLER", "muller"), ("Straße", "strasse"), ("Ørsted", "orsted"),
     ("Łódź", "lodz"), ("Crème brûlée", "creme brulee"), ("RE-2026-0001", "re-2026-0001")],
)  # fmt: skip
def test_fold_drops_accents_and_case(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_accents_are_ignored_both_ways(db) -> None:
    for name in ("Müller Bau", "Muller Holz", "Schmidt"):
        issued_invoice(db, client_id=make_client(db, name).id)
    assert _clients_found(db, "Muller") == ["Muller Holz", "Müller Bau"]
    assert _clients_found(db, "Müller") == ["Muller Holz", "Müller Bau"]
    assert _clients_found(db, "MÜLLER") == ["Muller Holz", "Müller Bau"]
    assert _clients_found(db, "uller b") == ["Müller Bau"]


def test_titles_are_folded_too(db) -> None:
    client = make_client(db, "Nordlicht")
    draft = make_draft(db, client_id=client.id, title="Crème brûlée für das Café")
    found = [r.id for r in list_invoices(db, InvoiceFilter(search="creme brulee fur"))]
    assert found == [draft.id]
    assert [r.id for r in list_invoices(db, InvoiceFilter(search="CAFÉ"))] == [draft.id]


def test_short_terms_match_the_start_only(db) -> None:
    muller = issued_invoice(db, client_id=make_client(db, "Müller Bau").id)
    autohaus = issued_invoice(db, client_id=make_client(db, "Autohaus Müller").id)
    # One or two characters: the start of the client's name (folded) …
    for term in ("m", "Mu", "MÜ"):
        assert [r.id for r in list_invoices(db, InvoiceFilter(search=term))] == [muller.id]
    # … or of the number, in any case …
    prefix = muller.number[:2]
    found = {r.id for r in list_invoices(db, InvoiceFilter(search=prefix.lower()))}
    assert found == {muller.id, autohaus.id}
    # … while three find the text anywhere.
    assert {r.id for r in list_invoices(db, InvoiceFilter(search="mül"))} == {
        muller.id,
        autohaus.id,
    }


def test_short_terms_match_the_start_of_the_customer_number(db) -> None:
    client = make_client(db, "Zeta", customer_number="K7-1")
    other = make_client(db, "Omega", customer_number="C-2")
    wanted = make_draft(db, client_id=client.id)
    make_draft(db, client_id=other.id)
    assert [r.id for r in list_invoices(db, InvoiceFilter(search="k7"))] == [wanted.id]


def test_client_sort_folds_accents_and_follows_renames_of_drafts_only(db) -> None:
    tango, vogel = make_client(db, "Tango"), make_client(db, "Vogel")
    uber = make_client(db, "Über Co")
    issued = issued_invoice(db, client_id=uber.id)
    draft = make_draft(db, client_id=uber.id)
    for client in (tango, vogel):
        make_draft(db, client_id=client.id)

    def names() -> list[str]:
        rows = list_invoices(db, InvoiceFilter(), sort="client", descending=False)
        return [r.client_name for r in rows]

    assert names() == ["Tango", "Über Co", "Über Co", "Vogel"]
    clients.update_client(db, uber.id, replace(uber.data, name="Anker AG"))
    # The issued invoice keeps the name it was issued to (its snapshot); the draft follows.
    assert names() == ["Anker AG", "Tango", "Über Co", "Vogel"]
    rows = list_invoices(db, InvoiceFilter(), sort="client", descending=False)
    assert (rows[0].id, rows[2].id) == (draft.id, issued.id)
    assert row_ids(db, InvoiceFilter(), sort="client", descending=True) == [
        r.id for r in reversed(rows)
    ]


def test_bulk_written_drafts_are_found_and_sorted(db) -> None:
    client = make_client(db, "Größe GmbH")
    with db.write() as session:
        drafts = invoice_batches.add_drafts(
            session, [invoice_input(client.id, title=f"Lieferung {i}") for i in range(3)]
        )
    ids = sorted(d.id for d in drafts)
    assert sorted(r.id for r in list_invoices(db, InvoiceFilter(search="grosse"))) == ids
    assert sorted(r.id for r in list_invoices(db, InvoiceFilter(search="gr"))) == ids
    rows = list_invoices(db, InvoiceFilter(), sort="client")
    assert sorted(r.id for r in rows) == ids
    invoices.delete_draft(db, ids[0])
    assert sorted(r.id for r in list_invoices(db, InvoiceFilter(search="gr"))) == ids[1:]
