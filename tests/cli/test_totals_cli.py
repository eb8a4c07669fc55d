"""`invoicedesk totals` end to end (a few subprocesses), plus the CLI helpers in-process."""

from __future__ import annotations

import gc
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicedesk import __version__
from invoicedesk.cli.main import build_parser, main
from invoicedesk.cli.output import print_rows

TRICKY = '<b>Tom & "Jerry"</b> 😀'

MARYS_BEST = {
    "invoice": {
        "line_items": [
            {
                "name": "Mary's Best",
                "quantity": "10",
                "unit": "Pieces",
                "unit_price": "1.45",
                "tax_rate": "19",
            }
        ]
    }
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoicedesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=None,
    )


def assert_user_error(result: subprocess.CompletedProcess[str], line: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == line + "\n"


def write(tmp_path: Path, document: object | str) -> str:
    path = tmp_path / "invoice.json"
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- subprocess


def test_totals_of_the_example_invoice(tmp_path: Path) -> None:
    result = run("totals", write(tmp_path, MARYS_BEST))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    totals = json.loads(result.stdout)
    assert (totals["net"], totals["tax"], totals["gross"], totals["due"]) == (
        "14.50",
        "2.76",
        "17.26",
        "17.26",
    )
    assert totals["currency"] == "EUR"
    assert totals["taxes"] == [{"rate": "19", "category": "S", "base": "14.50", "amount": "2.76"}]
    assert result.stdout.startswith('{\n  "')  # indented


def test_totals_from_stdin_bare_object_with_tricky_text() -> None:
    document = {
        "title": TRICKY,
        "note": "a\nb",
        "client": {"name": TRICKY},
        "charges": [{"reason": TRICKY, "amount": "1.00", "tax_rate": "19"}],
        "line_items": [{"name": TRICKY, "quantity": "10", "unit_price": "1.45", "tax_rate": "19"}],
    }
    result = run("totals", "-", "--db", "unused.sqlite", stdin=json.dumps(document))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    totals = json.loads(result.stdout)
    assert (totals["net"], totals["tax"], totals["gross"]) == ("15.50", "2.95", "18.45")
    assert totals["allowances_charges"][0]["reason"] == TRICKY
    assert TRICKY.replace('"', '\\"') in result.stdout  # UTF-8 as is, not \\u-escaped


@pytest.mark.parametrize(
    ("document", "line"),
    [
        (
            '{"invoice": {"line_items": [}}',
            "invoicedesk: error: malformed JSON: Expecting value at line 1 column 29",
        ),
        (
            {"invoice": {"line_items": [{"name": "x", "qty": "1"}]}},
            "invoicedesk: error: invoice.line_items[0]: unknown key 'qty' (known: name, "
            "description, quantity, unit, unit_price, tax_rate, tax_category, discount, "
            "product_number)",
        ),
        (
            {"invoice": {**MARYS_BEST["invoice"], "currency": "XYZ"}},
            "invoicedesk: error: invoice.currency: 'XYZ' is not an ISO 4217 currency code "
            "(e.g. EUR, USD)",
        ),
        (
            {"line_items": [{"name": "x", "quantity": 1, "unit_price": 10**15, "tax_rate": 19}]},
            "invoicedesk: error: invoice.line_items[0].unit_price: 1000000000000000 is too large "
            "(limit 1,000,000,000,000)",
        ),
    ],
    ids=["malformed", "unknown-key", "unknown-currency", "too-large"],
)
def test_totals_user_errors(tmp_path: Path, document: object, line: str) -> None:
    assert_user_error(run("totals", write(tmp_path, document)), line)


def test_version() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"invoicedesk {__version__}\n",
        "",
    )


# --------------------------------------------------------------------------- in-process


def test_missing_file_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["totals", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"invoicedesk: error: {missing}: No such file or directory\n"


def test_non_utf8_file_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"invoice": {"title": "Grüße"}}'.encode("latin-1"))
    assert main(["totals", str(path)]) == 2
    assert capsys.readouterr().err == f"invoicedesk: error: {path}: not UTF-8 text (byte 26)\n"


def test_utf8_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(MARYS_BEST).encode())
    assert main(["totals", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["gross"] == "17.26"


def test_engine_errors_get_json_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A charge without tax rate is spread over the lines; with no lines there is nothing
    # to spread over. The engine calls it allowances[1]; in the file it is charges[0].
    document = {"invoice": {"allowances": [{"percent": "1"}], "charges": [{"amount": "5.00"}]}}
    assert main(["totals", write(tmp_path, document)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("invoicedesk: error: invoice.charges[0].amount: an amount cannot be")
    assert err.count("\n") == 1


def test_a_client_document_is_not_an_invoice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["totals", write(tmp_path, {"client": {"name": "A"}})]) == 2
    err = capsys.readouterr().err
    assert err == "invoicedesk: error: client: the totals command reads an invoice, not a client\n"


def test_internal_errors_are_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import invoicedesk.core.totals as totals_module

    def boom(doc: object) -> object:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(totals_module, "compute_totals", boom)
    monkeypatch.delenv("INVOICEDESK_DEBUG", raising=False)
    assert main(["totals", write(tmp_path, MARYS_BEST)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    from invoicedesk.logs import log_file

    assert err == (
        "invoicedesk: internal error: RuntimeError: boom second line "
        f"(the traceback is in {log_file()}; please report this)\n"
    )
    logged = log_file().read_text(encoding="utf-8")
    assert "Command 'totals' failed" in logged
    assert "Traceback (most recent call last)" in logged and "RuntimeError: boom" in logged


def test_db_option_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INVOICEDESK_DB", raising=False)
    assert build_parser().parse_args([]).db is None
    assert build_parser().parse_args(["--db", "a.db", "totals", "-"]).db == "a.db"
    assert build_parser().parse_args(["totals", "-", "--db", "b.db"]).db == "b.db"
    monkeypatch.setenv("INVOICEDESK_DB", "sqlite:///env.db")
    assert build_parser().parse_args(["totals", "-"]).db == "sqlite:///env.db"
    assert build_parser().parse_args(["totals", "-", "--db", "c.db"]).db == "c.db"


def test_no_command_starts_the_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    calls: list[tuple[str | None, bool]] = []
    fake = types.ModuleType("invoicedesk.ui.app")
    fake.run = lambda db: calls.append((db, gc.isenabled())) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "invoicedesk.ui.app", fake)
    monkeypatch.setenv("INVOICEDESK_DB", "x.db")
    assert main([]) == 0
    assert main(["--db", "y.db"]) == 0
    # No automatic collection while the app starts (its GUI thread collects), and it is
    # back on once the app has closed.
    assert calls == [("x.db", False), ("y.db", False)]
    assert gc.isenabled()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["totals"]) == 2
    assert main(["no-such-command"]) == 2
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------------------- output helpers

ROWS: list[dict[str, Any]] = [
    {"number": "RE-1", "client": "ACME", "total": Decimal("17.26"), "count": 3, "x": 1},
    {"number": "RE-10", "client": TRICKY, "total": Decimal("-1234.50"), "count": None},
]
COLUMNS = ["number", "client", "total", "count"]


def printed(fmt: Any, rows: list[dict[str, Any]] = ROWS, **kw: Any) -> str:
    out = io.StringIO()
    print_rows(rows, COLUMNS, fmt, out, **kw)
    return out.getvalue()


def test_print_rows_table() -> None:
    assert printed("table").splitlines() == [
        "number  client                      total  count",
        "------  -----------------------  --------  -----",
        "RE-1    ACME                        17.26      3",
        'RE-10   <b>Tom & "Jerry"</b> 😀  -1234.50',  # the emoji takes two columns
    ]
    assert printed("table", [], headers={"total": "Total"}).splitlines() == [
        "number  client  Total  count",
        "------  ------  -----  -----",
    ]


def test_print_rows_json() -> None:
    assert json.loads(printed("json")) == [
        {"number": "RE-1", "client": "ACME", "total": "17.26", "count": 3},
        {"number": "RE-10", "client": TRICKY, "total": "-1234.50", "count": None},
    ]


def test_print_rows_csv() -> None:
    assert printed("csv") == (
        "number,client,total,count\n"
        "RE-1,ACME,17.26,3\n"
        'RE-10,"<b>Tom & ""Jerry""</b> 😀",-1234.50,\n'
    )


def test_print_rows_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        printed("xml")
