"""The command line in German: its messages, errors and tables come from the catalogue,
error lines keep their shape (``invoicedesk: error: <field>: <message>``) and exit codes,
and JSON/CSV keep their English keys. English stays as it was (tests/cli)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.test_translations as translations
from invoicedesk import i18n
from invoicedesk.cli.main import main
from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.db.engine import Database
from invoicedesk.i18n import set_language
from tests.factories import issued_invoice, make_client
from tests.test_translations import ROOT, _literal_texts

CLI_MODULES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "invoicedesk/cli").glob("*.py"))
# In the command line a person reads what is printed and written to stderr; an error's
# English template is a literal by design (DomainError translates it), so it is no leak.
CLI_TEXT_CALLS = {
    **{k: v for k, v in translations.TEXT_CALLS.items() if k != "DomainError"},
    "print": (0,),
    "write": (0,),
    "_fail": (0,),
    "read_password": (0,),
    "ArgumentTypeError": (0,),
    "add_argument_group": (0,),
    "add_subparsers": (0,),
}


def _has_words(arg: ast.expr) -> bool:
    """Words besides the fixed "error:" / "internal error:" that scripts look for."""
    if isinstance(arg, ast.JoinedStr):
        fixed = ("", "error", "internal error")
        parts = [
            v
            for v in arg.values
            if not (
                isinstance(v, ast.Constant) and re.sub("[^a-z ]", "", str(v.value)).strip() in fixed
            )
        ]
        arg = ast.JoinedStr(values=parts)
    return HAS_WORDS(arg)


HAS_WORDS = translations._has_words


@pytest.mark.parametrize("module", CLI_MODULES)
def test_a_command_line_module_prints_no_literal_text(module, monkeypatch):
    monkeypatch.setattr(translations, "TEXT_CALLS", CLI_TEXT_CALLS)
    monkeypatch.setattr(translations, "_has_words", _has_words)
    assert list(_literal_texts(ROOT / module)) == []


@pytest.fixture
def german(monkeypatch) -> Iterator[None]:
    """The environment asks for German, and German counts as complete for the test."""
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setattr(i18n, "COMPLETE_LANGUAGES", ("en", "de"))
    yield
    set_language("en")


def run(db_path: Path, capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--db", str(db_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_user_error_reads_in_german_names_the_field_and_keeps_its_exit_code(
    german, db: Database, tmp_path, capsys
):
    path = tmp_path / "test.sqlite"
    code, out, err = run(path, capsys, "invoices", "list", "--from", "2026-13-40")
    assert (code, out) == (2, "")
    assert err == "invoicedesk: error: --from: '2026-13-40' ist kein gültiges Datum\n"
    code, out, err = run(path, capsys, "invoices", "list", "--state", "bogus")
    assert code == 2
    assert err.startswith("invoicedesk: error: --state: 'bogus' ist kein Status (einer von draft")
    code, out, err = run(path, capsys, "invoices", "list", "--product", "P-9")
    assert (code, out) == (2, "")
    assert err == "invoicedesk: error: --product: kein Artikel mit der Nummer 'P-9'\n"
    code, out, err = run(path, capsys, "pdf", "--jobs", "0", "--out", str(tmp_path))
    assert (code, err) == (2, "invoicedesk: error: --jobs: muss 1 oder größer sein\n")
    code, out, err = run(path, capsys, "invoices")  # a group without its command
    assert code == 2 and err.startswith("invoicedesk: error: invoices: wählen Sie einen Befehl: ")


def test_an_unknown_invoice_keeps_the_field_and_the_exit_code_in_german(
    german, db: Database, tmp_path, capsys
):
    code, out, err = run(tmp_path / "test.sqlite", capsys, "invoices", "show", "RE-404")
    assert (code, out) == (2, "")
    assert err.startswith("invoicedesk: error: ") and "RE-404" in err
    assert err.count("\n") == 1


def test_results_and_tables_read_in_german_while_json_and_csv_keep_english_keys(
    german, db: Database, tmp_path, capsys
):
    client = make_client(db, "Müller GmbH")
    view = issued_invoice(db, client_id=client.id)
    path = tmp_path / "test.sqlite"
    code, out, err = run(path, capsys, "invoices", "show", view.number)
    assert (code, err) == (0, "")
    assert out.startswith(f"Rechnung {view.number} (ID {view.id}) — überfällig\n")  # dated back
    assert "Kunde:" in out and "Brutto:" in out and "Offen:" in out and "Client:" not in out
    code, out, err = run(path, capsys, "invoices", "list")
    header = out.splitlines()[0].split()
    assert header[:3] == ["ID", "Nummer", "Art"] and "Fällig" in header and "überfällig" in out
    code, out, err = run(path, capsys, "invoices", "list", "--format", "csv")
    assert out.splitlines()[0].startswith("id,number,doc_type,client,client_id,date,due_date")
    assert ",overdue," in out  # the state's value, not its German word
    code, out, err = run(path, capsys, "invoices", "list", "--format", "json")
    assert json.loads(out)[0]["state"] == "overdue"
    code, out, err = run(path, capsys, "payments", "add", view.number, "--amount", "10")
    assert code == 0
    assert out.startswith(f"Zahlung von 10.00 EUR zu {view.number} (Müller GmbH) am ")
    assert "erfasst; jetzt überfällig, offen 109.00 EUR" in out
    code, out, err = run(path, capsys, "invoices", "cancel", view.number)
    assert code == 2 and err.startswith("invoicedesk: error: ")


def test_usage_errors_and_help_are_german_where_they_are_ours(german, db, tmp_path, capsys):
    code, out, err = run(tmp_path / "test.sqlite", capsys, "demo", "--clients", "x")
    assert code == 2
    assert "'x' ist keine ganze Zahl von 0 bis" in err and "(siehe invoicedesk demo --help)" in err
    code = main(["invoices", "list", "--help"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Rechnungen auflisten (filtern, sortieren, blättern)" in out
    assert "Filter:" in out and "Teil der Rechnungsnummer" in out


def test_errors_keep_their_code_and_render_in_the_language_of_the_moment():
    from invoicedesk.cli.common import parse_date, refield

    with pytest.raises(DomainError) as caught:
        parse_date("2026-02-30", "--date")
    exc = caught.value
    assert exc.code == "date_invalid" and exc.field == "--date"
    moved = refield(NotFoundError("no product with number '{number}'", "x", params={"number": 7}),
                    "--product")  # fmt: skip
    try:
        set_language("de")
        assert exc.message == "'2026-02-30' ist kein gültiges Datum"
        assert isinstance(moved, NotFoundError) and moved.code == "not_found"
        assert str(moved) == "--product: kein Artikel mit der Nummer '7'"
    finally:
        set_language("en")
    assert exc.message == "'2026-02-30' is not a valid date"
    conflict = ConflictError("it was sent already; add --sent to send it a second time", "o")
    assert conflict.code == "conflict"
