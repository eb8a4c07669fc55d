"""The database commands end to end: a few subprocesses for the main flows, the many
variants in-process through ``main([...])``.

Every failing command must exit 2 with exactly one line on stderr, print nothing
on stdout and leave the database exactly as it was (compared as an SQL dump).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicedesk.cli.main import main
from invoicedesk.db.engine import Database
from invoicedesk.services import invoices
from invoicedesk.services.inputs import PaymentMethod
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft, pay

D = Decimal
TRICKY = '<b>Tom & "Jerry"</b> 😀'
INVOICE_DATE = "2026-11-21"
YEAR = dt.date.today().year  # credit notes are dated today

IMPORT = {
    "format_version": 1,
    "clients": [
        {"name": "Müller GmbH", "customer_number": "K-1", "email": "billing@mueller.example"},
        {"name": TRICKY, "customer_number": "K-2"},
    ],
    "products": [
        {"number": "P-100", "name": "Mary's Best", "unit_price": "1.45", "tax_rate": "19"},
    ],
    "invoices": [
        {
            "client": {"name": "Müller GmbH", "customer_number": "K-1"},
            "date": INVOICE_DATE,
            "due_days": 14,
            "tags": ["web"],
            "line_items": [
                {
                    "name": "Mary's Best",
                    "quantity": "10",
                    "unit": "Pieces",
                    "unit_price": "1.45",
                    "tax_rate": "19",
                    "product_number": "P-100",
                },
                {"name": "Export crate", "quantity": "1", "unit_price": "5.00", "tax_rate": "7"},
            ],
        },
        {
            "client": {"name": TRICKY, "customer_number": "K-2"},
            "date": "2026-11-22",
            "title": TRICKY,
            "note": "line 1\nline 2",
            "line_items": [{"name": TRICKY, "quantity": "2", "unit_price": "10", "tax_rate": "19"}],
        },
    ],
}


def expected_state(due: str, state: str = "open") -> str:
    """``state``, or overdue once the due date has passed (the tests run on any day)."""
    return "overdue" if dt.date.today() > dt.date.fromisoformat(due) else state


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("INVOICEDESK_DB", "INVOICEDESK_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "invoicedesk", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


def dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def write_json(tmp_path: Path, document: object, name: str = "import.json") -> str:
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


class Cli:
    """Run ``invoicedesk --db <file> …`` in-process; returns (exit code, stdout, stderr)."""

    def __init__(self, path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.path = path
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--db", str(self.path), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def out(self, *args: str) -> str:
        code, out, err = self(*args)
        assert (code, err) == (0, ""), err
        return out

    def json(self, *args: str) -> Any:
        return json.loads(self.out(*args, "--format", "json"))

    def fails(self, *args: str) -> str:
        """Run a command that must fail: exit 2, one stderr line, nothing written."""
        before = dump(self.path)
        code, out, err = self(*args)
        assert (code, out) == (2, ""), (code, out, err)
        assert err.endswith("\n") and err.count("\n") == 1, err
        assert dump(self.path) == before
        return err.rstrip("\n")


@pytest.fixture
def cli(db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("INVOICEDESK_DB", raising=False)
    assert db.path is not None
    return Cli(db.path, capsys)


@pytest.fixture
def imported(cli: Cli, tmp_path: Path) -> Cli:
    """The IMPORT document in the database (two drafts)."""
    cli.out("import", write_json(tmp_path, IMPORT))
    return cli


# --------------------------------------------------------------------------- subprocess flows


def test_import_issue_pay_report_export(tmp_path: Path) -> None:
    db = tmp_path / "books.sqlite"
    out = ok(run(db, "import", write_json(tmp_path, IMPORT)))
    assert out == "Imported 2 clients, 1 product and 2 invoices (as drafts)\n"

    listed = json.loads(
        ok(run(db, "invoices", "list", "--format", "json", "--sort", "id", "--asc"))
    )
    assert [(r["id"], r["number"], r["client"], r["state"]) for r in listed] == [
        (1, None, "Müller GmbH", "draft"),
        (2, None, TRICKY, "draft"),
    ]
    assert (listed[0]["net"], listed[0]["gross"], listed[0]["open"]) == ("19.50", "22.61", "0.00")

    out = ok(run(db, "invoices", "issue", "1"))
    assert out == "Issued RE-2026-0001 for Müller GmbH, gross 22.61 EUR, due 2026-12-05\n"

    out = ok(
        run(db, "payments", "add", "re-2026-0001", "--amount", "22.61", "--date", "2026-11-30")
    )
    assert out == (
        "Recorded payment of 22.61 EUR for RE-2026-0001 (Müller GmbH) on 2026-11-30; "
        "now paid, open 0.00 EUR\n"
    )

    listed = json.loads(ok(run(db, "invoices", "list", "--state", "paid", "--format", "json")))
    assert len(listed) == 1
    row = listed[0]
    assert {k: row[k] for k in ("id", "number", "client", "date", "due_date", "state")} == {
        "id": 1,
        "number": "RE-2026-0001",
        "client": "Müller GmbH",
        "date": INVOICE_DATE,
        "due_date": "2026-12-05",
        "state": "paid",
    }
    assert (row["net"], row["gross"], row["open"], row["tags"]) == (
        "19.50",
        "22.61",
        "0.00",
        ["web"],
    )

    report = json.loads(ok(run(db, "report", "--group-by", "client,month", "--format", "json")))
    assert report == {
        "group_by": ["client", "month"],
        "currency": "EUR",
        "rows": [
            {
                "client": "Müller GmbH",
                "month": "2026-11",
                "count": 1,
                "net": "19.50",
                "tax": "3.11",
                "gross": "22.61",
            }
        ],
        "total": {"count": 1, "net": "19.50", "tax": "3.11", "gross": "22.61"},
    }

    exported = json.loads(ok(run(db, "export")))
    (first, second) = exported["invoices"]
    assert first["readonly"]["number"] == "RE-2026-0001"
    assert first["readonly"]["payments"][0]["amount"] == "22.61"
    assert (second["title"], second["note"], second["client"]["name"]) == (
        TRICKY,
        "line 1\nline 2",
        TRICKY,
    )


def test_credit_note_end_to_end(imported: Cli, tmp_path: Path) -> None:
    imported.out("invoices", "issue", "1")  # in-process set-up; the commands under test run below
    db = imported.path
    out = ok(run(db, "invoices", "credit-note", "RE-2026-0001", "--lines", "2", "--issue"))
    state = expected_state("2026-12-05", "part_paid")
    assert out == (
        f"Issued credit note CN-{YEAR}-0001 for RE-2026-0001 (Müller GmbH), gross 5.35 EUR; "
        f"RE-2026-0001 is {state}, open 17.26 EUR\n"
    )
    rows = json.loads(ok(run(db, "invoices", "list", "--type", "credit_note", "--format", "json")))
    assert [(r["number"], r["state"], r["gross"], r["open"]) for r in rows] == [
        (f"CN-{YEAR}-0001", "paid", "5.35", "0.00")
    ]


def test_import_from_stdin_and_bad_input_through_the_process(tmp_path: Path) -> None:
    db = tmp_path / "books.sqlite"
    ok(run(db, "import", "-", stdin=json.dumps(IMPORT)))
    ok(run(db, "invoices", "issue", "1"))
    before = dump(db)

    result = run(db, "import", "-", stdin='{"clients": [}')
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr == "invoicedesk: error: malformed JSON: Expecting value at line 1 column 14\n"
    )

    result = run(db, "payments", "add", "RE-2026-0001", "--amount", "30")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "invoicedesk: error: --amount: 30.00 EUR is more than the open amount 22.61 EUR of "
        "RE-2026-0001 — record it explicitly as an overpayment if that is right\n"
    )

    result = run(db, "invoices", "list", "--limit", "x")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "invoicedesk invoices list: error: argument --limit: invalid int value: 'x' "
        "(see invoicedesk invoices list --help)\n"
    )
    assert dump(db) == before


def test_demo_command(tmp_path: Path) -> None:
    pytest.importorskip("invoicedesk.services.demo")
    db = tmp_path / "demo.sqlite"
    result = run(db, "demo", "--clients", "5", "--invoices", "30", "--seed", "7")
    out = ok(result)  # stderr is not a terminal here: no progress
    assert out.startswith(f"Created demo data in {db}: 5 clients, ")
    assert " 30 invoices, " in out
    result = run(db, "demo")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("invoicedesk: error: --db: this database already has 5 clients")


# --------------------------------------------------------------------------- in-process


def test_list_formats_and_text_round_trip(imported: Cli) -> None:
    table = imported.out("invoices", "list", "--sort", "id", "--asc").splitlines()
    assert table[0].split() == [
        "id",
        "number",
        "doc_type",
        "client",
        "date",
        "due_date",
        "state",
        "currency",
        "net",
        "gross",
        "open",
    ]
    assert table[2].endswith("19.50  22.61  0.00")
    assert TRICKY in table[3] and table[3].endswith("20.00  23.80  0.00")

    rows = list(csv.DictReader(io.StringIO(imported.out("invoices", "list", "--format", "csv"))))
    assert [(r["client"], r["title"], r["tags"]) for r in rows] == [
        (TRICKY, TRICKY, ""),
        ("Müller GmbH", "", "web"),
    ]

    shown = imported.json("invoices", "show", "2")["invoice"]
    assert (shown["title"], shown["line_items"][0]["name"]) == (TRICKY, TRICKY)
    assert shown["client"] == {"name": TRICKY, "customer_number": "K-2"}

    # What `show` prints imports again (as a new draft for the same client).
    path = imported.path.parent / "shown.json"
    path.write_text(json.dumps({"invoice": shown}, ensure_ascii=False), encoding="utf-8")
    assert imported.out("import", str(path)) == (
        "Imported 0 clients, 0 products and 1 invoice (as drafts)\n"
    )
    again = imported.json("invoices", "show", "3")["invoice"]
    assert (again["title"], again["note"], again["client"]) == (
        TRICKY,
        "line 1\nline 2",
        shown["client"],
    )


def test_list_filters_sort_and_paging(cli: Cli, db: Database) -> None:
    acme = make_client(db, "Acme GmbH", customer_number="A-1")
    zeta = make_client(db, "Zeta AG")
    first = issued_invoice(db, line("1", "100.00"), client_id=acme.id, tags=("web", "sample"))
    second = issued_invoice(
        db, line("2", "100.00"), client_id=zeta.id, date=TODAY - dt.timedelta(days=40)
    )
    pay(db, second.id, "238.00", method=PaymentMethod.CASH)
    draft = make_draft(db, line("1", "10.00"), client_id=acme.id, title="Hello world")

    def ids(*args: str) -> list[int]:
        return [r["id"] for r in cli.json("invoices", "list", *args)]

    assert ids() == [first.id, second.id, draft.id]  # newest first, drafts last
    assert ids("--asc") == [second.id, first.id, draft.id]
    assert ids("--sort", "gross", "--desc") == [second.id, first.id, draft.id]
    assert ids("--client", "A-1") == [first.id, draft.id]
    assert ids("--client", "Zeta AG") == [second.id]
    assert ids("--client", str(acme.id)) == [first.id, draft.id]
    assert ids("--state", "draft,paid") == [second.id, draft.id]
    assert ids("--state", "draft", "--state", "PAID") == [second.id, draft.id]
    assert ids("--state", expected_state("2026-03-30")) == [first.id]
    assert ids("--method", "cash") == [second.id]
    assert ids("--from", "2026-03-01", "--to", "2026-03-31") == [first.id]
    assert ids("--text", "hello") == [draft.id]
    assert ids("--search", "zeta") == [second.id]
    assert ids("--tag", "WEB") == [first.id]
    assert ids("--tag", "web,sample") == ids("--tag", "web", "--tag", "sample") == [first.id]
    assert ids("--tag", "web,urgent") == []  # every tag given, not any
    assert ids("--number", "0002") == [second.id]
    assert ids("--currency", "eur", "--type", "invoice", "--limit", "1", "--offset", "1") == [
        second.id
    ]
    assert ids("--type", "credit_note") == []


def test_lifecycle_messages(imported: Cli) -> None:
    due = "2026-12-05"
    assert imported.out("invoices", "issue", "1") == (
        f"Issued RE-2026-0001 for Müller GmbH, gross 22.61 EUR, due {due}\n"
    )
    assert imported.out("invoices", "cancel", "RE-2026-0001") == (
        "Cancelled RE-2026-0001 for Müller GmbH, gross 22.61 EUR\n"
    )
    assert imported.out("invoices", "uncancel", "RE-2026-0001") == (
        f"Uncancelled RE-2026-0001 for Müller GmbH: {expected_state(due)}, open 22.61 EUR\n"
    )
    assert imported.out("invoices", "clone", "RE-2026-0001") == (
        "Cloned RE-2026-0001 into draft 3 for Müller GmbH, gross 22.61 EUR\n"
    )
    assert imported.out("invoices", "credit-note", "RE-2026-0001", "--lines", "1,2") == (
        "Created credit note draft 4 for RE-2026-0001 (Müller GmbH), gross 22.61 EUR\n"
    )
    assert imported.out("invoices", "issue", "4") == (
        f"Issued credit note CN-{YEAR}-0001 for Müller GmbH, gross 22.61 EUR\n"
    )


def test_show_table(imported: Cli) -> None:
    imported.out("invoices", "issue", "1")
    imported.out(
        "payments", "add", "1", "--amount", "10", "--method", "cash", "--date", "2026-11-25"
    )
    text = imported.out("invoices", "show", "RE-2026-0001")
    state = expected_state("2026-12-05", "part_paid")
    assert text.startswith(f"Invoice RE-2026-0001 (id 1) — {state}\n")
    assert "Client:       Müller GmbH (K-1)\n" in text
    rows = [line.split() for line in text.splitlines()]
    assert ["1", "Mary's", "Best", "10", "Pieces", "1.45", "19%", "S", "14.50"] in rows
    assert ["2", "Export", "crate", "1", "5.00", "7%", "S", "5.00"] in rows
    assert "Gross:        22.61 EUR\n" in text
    assert "Open:         12.61 EUR\n" in text
    assert "2026-11-25   10.00  cash" in text


def test_payments_add_and_list(imported: Cli) -> None:
    imported.out("invoices", "issue", "1")
    imported.out("invoices", "issue", "2")
    assert imported.out(
        "payments",
        "add",
        "RE-2026-0002",
        "--amount",
        "30",
        "--overpayment",
        "--date",
        "2026-11-23",
        "--reference",
        TRICKY,
        "--method",
        "paypal",
    ) == (
        f"Recorded payment of 30.00 EUR for RE-2026-0002 ({TRICKY}) on 2026-11-23 as overpayment; "
        "now paid, open -6.20 EUR\n"
    )
    imported.out("payments", "add", "1", "--amount", "1.5", "--date", "2026-11-24")
    rows = imported.json("payments", "list")
    assert [(r["invoice"], r["amount"], r["method"], r["overpayment"]) for r in rows] == [
        ("RE-2026-0001", "1.50", "bank_transfer", False),
        ("RE-2026-0002", "30.00", "paypal", True),
    ]
    assert rows[1]["reference"] == TRICKY
    assert [r["invoice"] for r in imported.json("payments", "list", "--client", "K-2")] == [
        "RE-2026-0002"
    ]
    assert imported.json("payments", "list", "--method", "cash") == []
    assert len(imported.json("payments", "list", "--from", "2026-11-24", "--to", "2026-11-24")) == 1
    assert len(imported.json("payments", "list", "--invoice", "re-2026-0002")) == 1
    table = imported.out("payments", "list").splitlines()
    assert table[0].split() == [
        "id",
        "date",
        "invoice",
        "client",
        "amount",
        "currency",
        "method",
        "reference",
    ]


def test_report_table_and_csv(cli: Cli, db: Database) -> None:
    acme = make_client(db, "Acme GmbH")
    issued_invoice(db, line("1", "100.00"), client_id=acme.id)
    issued_invoice(db, line("1", "50.00", "7"), client_id=acme.id, date=dt.date(2026, 2, 10))
    issued_invoice(db, line("3", "10.00"), client_id=make_client(db, "Zeta AG").id)
    table = cli.out("report", "--group-by", "client,month").splitlines()
    assert table == [
        "client     month    count     net    tax   gross",
        "---------  -------  -----  ------  -----  ------",
        "Acme GmbH  2026-02      1   50.00   3.50   53.50",
        "Acme GmbH  2026-03      1  100.00  19.00  119.00",
        "Zeta AG    2026-03      1   30.00   5.70   35.70",
        "Total                   3  180.00  28.20  208.20",
        "Amounts in EUR.",
    ]
    text = cli.out("report", "--group-by", "tax_rate", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["tax_rate"], r["currency"], r["net"], r["tax"]) for r in rows] == [
        ("7% S", "EUR", "50.00", "3.50"),
        ("19% S", "EUR", "130.00", "24.70"),
    ]
    report = cli.json("report", "--group-by", "year", "--client", "Zeta AG")
    assert report["rows"] == [
        {"year": "2026", "count": 1, "net": "30.00", "tax": "5.70", "gross": "35.70"}
    ]


def test_clients_and_products_lists(imported: Cli) -> None:
    imported.out("invoices", "issue", "1")
    rows = imported.json("clients", "list")
    assert [(r["customer_number"], r["name"], r["invoices"]) for r in rows] == [
        ("K-2", TRICKY, 1),
        ("K-1", "Müller GmbH", 1),
    ]
    assert rows[1]["open"] == {"EUR": "22.61"}
    assert [r["name"] for r in imported.json("clients", "list", "--search", "müller")] == [
        "Müller GmbH"
    ]
    assert "22.61 EUR" in imported.out("clients", "list")
    products = imported.json("products", "list")
    assert [(p["number"], p["unit_price"], p["tax_rate"]) for p in products] == [
        ("P-100", "1.45", "19")
    ]
    assert imported.out("products", "list", "--format", "csv").startswith(
        "id,number,name,unit,unit_price,tax_rate,tax_category,price_basis,archived\n"
    )


def test_export_json_csv_and_file(imported: Cli, tmp_path: Path) -> None:
    exported = json.loads(imported.out("export"))
    assert [c["customer_number"] for c in exported["clients"]] == ["K-2", "K-1"]
    assert json.loads(imported.out("export", "--kind", "products")) == {
        "format_version": 1,
        "products": [IMPORT["products"][0]],
    }
    text = imported.out("export", "--format", "csv")  # CSV: invoices by default
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["customer_number"], r["gross"], r["title"]) for r in rows] == [
        ("K-1", "22.61", ""),
        ("K-2", "23.80", TRICKY),
    ]
    target = tmp_path / "clients.csv"
    assert imported.out("export", "--format", "csv", "--kind", "clients", "-o", str(target)) == (
        f"Exported 2 clients to {target}\n"
    )
    assert ",K-1,Müller GmbH,organisation," in target.read_text(encoding="utf-8")
    target = tmp_path / "all.json"
    assert imported.out("export", "-o", str(target)) == (
        f"Exported 2 clients, 1 product, 2 invoices to {target}\n"
    )
    assert json.loads(target.read_text(encoding="utf-8")) == exported

    # The export imports into a fresh database: same clients, products and drafts.
    fresh = tmp_path / "fresh.sqlite"
    assert main(["--db", str(fresh), "import", str(target)]) == 0
    assert main(["--db", str(fresh), "export", "-o", str(tmp_path / "again.json")]) == 0
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    for document in (again, exported):
        for invoice in document["invoices"]:
            invoice.pop("readonly")
    assert again == exported


# --------------------------------------------------------------------------- bad input


BAD_IMPORTS = [
    ('{"clients": [', "malformed JSON: Expecting value at line 1 column 14"),
    (
        {"invoices": [{"client_id": 99, "line_items": []}]},
        "invoices[0].client_id: there is no client with id 99",
    ),
    (
        {"invoices": [{**IMPORT["invoices"][0], "currency": "XYZ"}]},
        "invoices[0].currency: 'XYZ' is not an ISO 4217 currency code (e.g. EUR, USD)",
    ),
    (
        [
            {"client": {"name": "A"}},
            {"product": {"name": "B", "unit_price": 10**15, "tax_rate": 19}},
        ],
        "[1].product.unit_price: 1000000000000000 is too large (limit 1,000,000,000,000)",
    ),
    (
        {"clients": [{"name": "New"}, {"name": "Dup", "customer_number": "K-1"}]},
        "clients[1].customer_number: customer number K-1 is already taken "
        "(the import creates new records only)",
    ),
    (
        {"invoices": [{**IMPORT["invoices"][0], "date": "2026-02-30"}]},
        "invoices[0].date: '2026-02-30' is not a valid date",
    ),
    (
        {"clients": [{"name": "x", "email": "a@b"}]},
        "clients[0].email: 'a@b' is not an e-mail address",
    ),
]


@pytest.mark.parametrize(("document", "message"), BAD_IMPORTS)
def test_bad_imports_change_nothing(
    imported: Cli, tmp_path: Path, document: object, message: str
) -> None:
    path = write_json(tmp_path, document, "bad.json")
    assert imported.fails("import", path) == f"invoicedesk: error: {message}"


BAD_COMMANDS = [
    (
        ("invoices", "list", "--state", "late"),
        "--state: 'late' is not a state (one of draft, open, overdue, part_paid, paid, cancelled)",
    ),
    (("invoices", "list", "--from", "2026-13-01"), "--from: '2026-13-01' is not a valid date"),
    (
        ("invoices", "list", "--to", "1.12.2026"),
        "--to: '1.12.2026' is not a date in the form YYYY-MM-DD",
    ),
    (
        ("invoices", "list", "--from", "2026-12-01", "--to", "2026-11-01"),
        "--from: 2026-12-01 lies after --to 2026-11-01",
    ),
    (("invoices", "list", "--client", "Nobody"), "--client: no client 'Nobody'"),
    (("invoices", "list", "--product", "P-9"), "--product: no product with number 'P-9'"),
    (
        ("invoices", "list", "--currency", "EURO"),
        "--currency: 'EURO' is not an ISO 4217 currency code (e.g. EUR, USD)",
    ),
    (("invoices", "list", "--limit", "-1"), "--limit: must be 0 or more"),
    (("invoices", "show", "RE-2099-0001"), "invoice: no invoice with number or id 'RE-2099-0001'"),
    (("invoices", "issue", "RE-2026-0001"), "Invoice RE-2026-0001 is already issued"),
    (
        ("invoices", "cancel", "2"),
        "A draft is not issued and cannot be cancelled — delete it instead",
    ),
    (
        ("invoices", "credit-note", "RE-2026-0001", "--lines", "3"),
        "--lines: RE-2026-0001 has no line 3 (it has 2)",
    ),
    (
        ("invoices", "credit-note", "RE-2026-0001", "--lines", "1,x"),
        "--lines: 'x' is not a line position (1, 2, …)",
    ),
    (
        ("payments", "add", "RE-2026-0001", "--amount", "22.62"),
        "--amount: 22.62 EUR is more than the open amount 22.61 EUR of RE-2026-0001 — record it "
        "explicitly as an overpayment if that is right",
    ),
    (
        ("payments", "add", "RE-2026-0001", "--amount", "1000000000000000"),
        "--amount: 1000000000000000 is too large (limit 1,000,000,000,000)",
    ),
    (
        ("payments", "add", "RE-2026-0001", "--amount", "1.001"),
        "--amount: 1.001 has more than 2 decimal places",
    ),
    (("payments", "add", "RE-2026-0001", "--amount", "-5"), "--amount: -5 must not be negative"),
    (
        ("payments", "add", "RE-2026-0001", "--amount", "5", "--date", "tomorrow"),
        "--date: 'tomorrow' is not a date in the form YYYY-MM-DD",
    ),
    (
        ("payments", "add", "2", "--amount", "5"),
        "This invoice is a draft — issue it before recording a payment",
    ),
    (
        ("report", "--group-by", "client,colour"),
        "--group-by: cannot group by 'colour' (use client, status, day, week, month, year, "
        "currency, tax_rate)",
    ),
    (
        ("invoices",),
        "invoices: choose a command: list, show, issue, cancel, uncancel, clone, credit-note",
    ),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_COMMANDS, ids=[" ".join(a) for a, _ in BAD_COMMANDS]
)
def test_bad_commands_change_nothing(imported: Cli, args: tuple[str, ...], message: str) -> None:
    imported.out("invoices", "issue", "1")
    assert imported.fails(*args) == f"invoicedesk: error: {message}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("invoices", "list", "--format", "xml"), "argument --format: invalid choice: 'xml'"),
        (("payments", "add", "1"), "the following arguments are required: --amount"),
        (
            ("payments", "add", "1", "--amount", "1", "--method", "cheque"),
            "argument --method: invalid choice: 'cheque'",
        ),
        (("export", "--kind", "payments"), "argument --kind: invalid choice: 'payments'"),
    ],
)
def test_usage_errors_are_one_line(imported: Cli, args: tuple[str, ...], message: str) -> None:
    line = imported.fails(*args)
    prefix = f"invoicedesk {' '.join(a for a in args[:2] if not a.startswith('-') and a != '1')}"
    assert line.startswith(f"{prefix}: error: {message}")
    assert line.endswith("--help)")


def test_missing_database_file_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.sqlite"
    assert main(["--db", str(missing), "invoices", "list"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"invoicedesk: error: --db: there is no database at {missing} (create one with "
        "'invoicedesk import', 'invoicedesk demo' or the app)\n"
    )
    assert not missing.exists()
    source = write_json(tmp_path, IMPORT)
    assert main(["--db", str(tmp_path / "no" / "dir.sqlite"), "import", source]) == 2
    assert capsys.readouterr().err.startswith("invoicedesk: error: --db: cannot open the database")
    assert not (tmp_path / "no").exists()


def test_database_from_the_environment(
    imported: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INVOICEDESK_DB", str(imported.path))
    capsys.readouterr()
    assert main(["clients", "list", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_export_to_an_unwritable_place(imported: Cli, tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "out.json"
    assert imported.fails("export", "-o", str(target)).startswith(
        f"invoicedesk: error: {target}: No such file or directory"
    )


def test_failed_credit_note_issue_leaves_no_document(imported: Cli) -> None:
    imported.out("invoices", "issue", "1")
    imported.out("invoices", "credit-note", "1", "--issue")
    code, out, err = imported("invoices", "credit-note", "1", "--lines", "2", "--issue")
    assert (code, out) == (2, "")
    assert err == (
        "invoicedesk: error: invoice.line_items: credit notes for RE-2026-0001 would exceed its "
        "total 22.61 EUR\n"
    )
    rows = imported.json("invoices", "list", "--type", "credit_note")
    assert [r["number"] for r in rows] == [f"CN-{YEAR}-0001"]  # the second draft was removed


# --------------------------------------------------------------------------- services reached


def test_a_new_invoice_does_not_inherit_a_deleted_drafts_history(imported: Cli) -> None:
    # A failed `credit-note --issue` deletes its draft again; ids are never reused, so
    # the next document does not show the deleted draft's history.
    imported.out("invoices", "issue", "1")
    imported.out("invoices", "credit-note", "1", "--issue")
    imported("invoices", "credit-note", "1", "--lines", "2", "--issue")  # fails, draft deleted
    clone = imported.out("invoices", "clone", "1")
    new_id = int(clone.split("into draft ")[1].split()[0])
    db = Database(str(imported.path))
    try:
        assert [h.action for h in invoices.get_invoice(db, new_id).history] == ["created", "cloned"]
    finally:
        db.dispose()


def test_client_names_match_in_any_case(imported: Cli) -> None:
    rows = imported.json("invoices", "list", "--client", "MÜLLER GMBH")
    assert [r["client"] for r in rows] == ["Müller GmbH"]


def test_report_by_tax_rate_does_not_add_up_currencies(cli: Cli, db: Database) -> None:
    acme = make_client(db, "Acme GmbH")
    issued_invoice(db, line("1", "100.00"), client_id=acme.id)
    issued_invoice(
        db, line("1", "10.00"), client_id=acme.id, currency="USD", exchange_rate=D("0.9")
    )
    report = cli.json("report", "--group-by", "tax_rate")
    assert report["currency"] is None
    assert [(r["tax_rate"], r["currency"], r["gross"]) for r in report["rows"]] == [
        ("19% S", "EUR", "119.00"),
        ("19% S", "USD", "11.90"),
    ]
    assert report["total"] == {"count": 2, "net": None, "tax": None, "gross": None}
    # Without tax_rate everything is in the company currency and adds up.
    report = cli.json("report", "--group-by", "currency")
    assert report["total"] == {"count": 2, "net": "109.00", "tax": "20.71", "gross": "129.71"}


# --------------------------------------------------------------------------- service bugs found
# The CLI guards against both (choices, its own total), but other callers are not.


def test_tax_rate_report_total_does_not_mix_currencies(db: Database) -> None:
    from invoicedesk.services import reports

    acme = make_client(db, "Acme GmbH")
    issued_invoice(db, line("1", "100.00"), client_id=acme.id)
    issued_invoice(
        db, line("1", "10.00"), client_id=acme.id, currency="USD", exchange_rate=D("0.9")
    )
    report = reports.grouped_totals(db, ["tax_rate"])
    assert report.total.gross != D("130.90")


def test_unknown_payment_method_in_a_filter_is_a_domain_error(db: Database) -> None:
    from invoicedesk.core.errors import DomainError
    from invoicedesk.services import payments

    with pytest.raises(DomainError):
        payments.list_payments(db, methods=["cheque"])


def test_option_choices_match_the_services() -> None:
    # The parser is built without importing the services (fast --help); keep them in step.
    from invoicedesk.cli import common, report
    from invoicedesk.cli import invoices as invoices_cli
    from invoicedesk.core.lifecycle import State
    from invoicedesk.core.rules import RECORD_KINDS
    from invoicedesk.services import reports, search
    from invoicedesk.services.inputs import PaymentMethod

    assert invoices_cli.SORT_KEYS == search.SORT_KEYS
    assert report.DIMENSIONS == reports.DIMENSIONS
    assert common.STATES == tuple(s.value for s in State)
    assert common.DOC_TYPES == tuple(kind.value for kind in RECORD_KINDS)
    assert common.PAYMENT_METHODS == tuple(
        m.value for m in PaymentMethod if m is not PaymentMethod.CREDIT_NOTE
    )
