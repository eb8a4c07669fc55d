"""``invoicedesk self-check`` opens the real window on a database: every screen shows its rows
and the editor loads the newest invoice; a database that cannot be opened fails it."""

from __future__ import annotations

import io

from invoicedesk.ui.self_check import run_self_check
from tests.factories import issued_invoice, make_client, make_draft


def test_self_check_passes_on_books_with_invoices(qtbot, db):
    client = make_client(db, "Acme GmbH")
    issued = issued_invoice(db, client_id=client.id)
    make_draft(db, client_id=client.id)
    out = io.StringIO()
    assert run_self_check(str(db.path), out) == 0
    report = out.getvalue()
    assert "ok   screen Invoices: 2 rows" in report
    assert "ok   screen Clients: 1 rows" in report
    assert f"ok   editor: invoice {issued.number} loaded" in report
    assert report.endswith("all checks passed\n")


def test_self_check_fails_with_the_reason(qtbot, tmp_path):
    out = io.StringIO()
    folder = tmp_path / "a-folder.sqlite"
    folder.mkdir()
    assert run_self_check(str(folder), out) == 1
    assert "FAIL " in out.getvalue() and "all checks passed" not in out.getvalue()
