"""The kill -9 scenarios: issuing, payments, import, demo generation (into an empty file
and creating a new one); the outbox is in :mod:`tests.faults.outbox_scenario`. Shared by
tests/faults/test_kill9.py and benchmarks/bench_kill9.py; how a trial runs and what it
checks: :mod:`tests.faults.trials`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

from tests.factories import issued_invoice, line, make_client, make_draft, new_database
from tests.faults import checks
from tests.faults.harness import Outcome, cli, kill_cli_after
from tests.faults.outbox_scenario import OutboxScenario
from tests.faults.trials import (
    PROBLEM,
    Scenario,
    Trial,
    archived_problems,
    issue_next,
    issued_numbers,
    prefix_rule,
)

__all__ = ["SCENARIOS", "Scenario", "Trial", "demo_size", "import_document", "issue_next"]

D = Decimal


# --------------------------------------------------------------------------- issuing


class IssueScenario(Scenario):
    """``invoicedesk invoices issue ID`` for 30 drafts, one after another."""

    name = "issue"
    words = ("invoices",)
    drafts = 30

    def build(self, path: Path) -> None:
        db = new_database(path)
        client = make_client(db, "Acme GmbH", email="billing@acme.example").id
        rates = ("19", "7", "0")
        self.ids = [
            make_draft(
                db,
                *(line(str(k + 1), f"{10 + i}.{k}0", rates[(i + k) % 3]) for k in range(1 + i % 4)),
                client_id=client,
            ).id
            for i in range(self.drafts)
        ]
        db.dispose()

    def commands(self, db: Path, folder: Path) -> list[list[str]]:
        return [["--db", str(db), "invoices", "issue", str(i)] for i in self.ids]

    def after_kill(self, db: Path, outcome: Outcome) -> PROBLEM:
        numbers = issued_numbers(db)
        problems = prefix_rule([numbers[i] is not None for i in self.ids], outcome.finished,
                                "issued invoice", self.notes)  # fmt: skip
        problems += archived_problems(db, [i for i in self.ids if numbers[i] is not None])
        for done in outcome.done:
            said = re.match(r"Issued (\S+) for", done.out)
            if said is None or numbers[self.ids[done.index]] != said.group(1):
                problems.append(f"command {done.index} said {done.out!r}, the file has "
                                f"{numbers[self.ids[done.index]]}")  # fmt: skip
        return problems

    def keep_working(self, db: Path, outcome: Outcome) -> PROBLEM:
        numbers = issued_numbers(db)
        left = [i for i in self.ids if numbers[i] is None]
        if not left:
            return []
        return issue_next(db, left[0])


# --------------------------------------------------------------------------- payments


class PaymentScenario(Scenario):
    """``invoicedesk payments add NUMBER --amount X`` on 24 issued invoices in turn."""

    name = "payments"
    words = ("payments",)
    invoices = 24

    def build(self, path: Path) -> None:
        db = new_database(path)
        client = make_client(db, "Acme GmbH", email="billing@acme.example").id
        today = dt.date.today()
        self.targets: list[tuple[int, str, str]] = []  # (id, number, amount paid)
        for i in range(self.invoices):
            view = issued_invoice(db, line(str(1 + i % 3), "40.00", "19"), client_id=client,
                                  today=today)  # fmt: skip
            amount = view.gross if i % 3 == 0 else D("10.00")
            assert view.number is not None
            self.targets.append((view.id, view.number, f"{amount:.2f}"))
        db.dispose()

    def commands(self, db: Path, folder: Path) -> list[list[str]]:
        return [
            ["--db", str(db), "payments", "add", number.lower(), "--amount", amount,
             "--reference", f"trial {i}"]
            for i, (_id, number, amount) in enumerate(self.targets)
        ]  # fmt: skip

    def _paid(self, db: Path) -> dict[int, int]:
        found = checks.rows(db, "SELECT invoice_id, count(*) FROM payments GROUP BY invoice_id")
        return {int(i): int(n) for i, n in found}  # type: ignore[call-overload]

    def after_kill(self, db: Path, outcome: Outcome) -> PROBLEM:
        paid = self._paid(db)
        problems = [f"invoice {i} has {n} payments" for i, n in paid.items() if n > 1]
        return problems + prefix_rule([paid.get(i, 0) == 1 for i, _, _ in self.targets],
                                       outcome.finished, "payment", self.notes)  # fmt: skip

    def keep_working(self, db: Path, outcome: Outcome) -> PROBLEM:
        invoice_id, number, _ = self.targets[-1]
        before = self._paid(db).get(invoice_id, 0)
        result = cli(db, "payments", "add", number, "--amount", "0.01")
        if result.code != 0 or not result.out.startswith("Recorded payment of 0.01 EUR"):
            return [f"a payment afterwards failed: {result}"]
        if self._paid(db).get(invoice_id, 0) != before + 1:
            return ["the payment afterwards is not in the file"]
        return []


# --------------------------------------------------------------------------- import


def import_document(tag: str, clients: int = 3, products: int = 2, invoices: int = 6) -> dict:
    """An import file whose records all carry ``tag`` in their numbers."""
    return {
        "format_version": 1,
        "clients": [
            {"name": f"Client {tag}-{j} GmbH", "customer_number": f"K-{tag}-{j}",
             "email": f"k{j}@{tag.lower()}.example"}
            for j in range(clients)
        ],
        "products": [
            {"number": f"P-{tag}-{j}", "name": f"Product {tag}-{j}", "unit_price": f"{j + 1}.45",
             "tax_rate": "19"}
            for j in range(products)
        ],
        "invoices": [
            {
                "client": {"name": f"Client {tag}-{k % clients} GmbH",
                           "customer_number": f"K-{tag}-{k % clients}"},
                "title": f"Import {tag} #{k}",
                "line_items": [
                    {"name": f"Item {m}", "quantity": str(m + 1), "unit_price": f"{k}.{m}5",
                     "tax_rate": ("19", "7", "0")[m % 3], "product_number": f"P-{tag}-{m % 2}"}
                    for m in range(3)
                ],
            }
            for k in range(invoices)
        ],
    }  # fmt: skip


class ImportScenario(Scenario):
    """``invoicedesk import FILE`` of 16 files in turn (3 clients, 2 products, 6 invoices)."""

    name = "import"
    words = ("import",)
    files = 16
    shape = (3, 2, 6)  # clients, products, invoices per file

    def build(self, path: Path) -> None:
        new_database(path).dispose()

    def commands(self, db: Path, folder: Path) -> list[list[str]]:
        argv = []
        for t in range(self.files):
            source = folder / f"import-{t}.json"
            source.write_text(json.dumps(import_document(f"F{t}")), encoding="utf-8")
            argv.append(["--db", str(db), "import", str(source)])
        return argv

    def _stored(self, db: Path, tag: str) -> tuple[int, int, int]:
        like = f"K-{tag}-%"
        found = (
            checks.scalar(db, "SELECT count(*) FROM clients WHERE customer_number LIKE ?", like),
            checks.scalar(db, "SELECT count(*) FROM products WHERE number LIKE ?", f"P-{tag}-%"),
            checks.scalar(db, "SELECT count(*) FROM invoices i JOIN clients c "
                              "ON c.id = i.client_id WHERE c.customer_number LIKE ?", like),
        )  # fmt: skip
        return tuple(int(n) for n in found)  # type: ignore[return-value,call-overload]

    def after_kill(self, db: Path, outcome: Outcome) -> PROBLEM:
        problems, present = [], []
        for t in range(self.files):
            stored = self._stored(db, f"F{t}")
            if stored not in ((0, 0, 0), self.shape):
                problems.append(f"file {t} half imported: clients, products, invoices {stored}")
            present.append(stored == self.shape)
        return problems + prefix_rule(present, outcome.finished, "import", self.notes)

    def keep_working(self, db: Path, outcome: Outcome) -> PROBLEM:
        source = db.with_name("again.json")
        source.write_text(json.dumps(import_document("AGAIN")), encoding="utf-8")
        result = cli(db, "import", str(source))
        if result.code != 0 or self._stored(db, "AGAIN") != self.shape:
            return [f"importing afterwards failed: {result}"]
        return []


# --------------------------------------------------------------------------- demo


def demo_size(db: Path) -> tuple[int, int, int]:
    """Clients, invoices and payments in the file (zeros before the schema exists)."""
    if checks.scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'invoices'") == 0:
        return (0, 0, 0)
    found = [
        checks.scalar(db, f"SELECT count(*) FROM {table}")
        for table in ("clients", "invoices", "payments")
    ]
    return (int(found[0]), int(found[1]), int(found[2]))  # type: ignore[call-overload]


class DemoScenario(Scenario):
    """``invoicedesk demo`` of 1,500 invoices into an empty file: one big transaction."""

    name = "demo"
    words = ("demo", "invoices")
    demo = ("--invoices", "1500", "--clients", "20", "--seed", "7")

    def build(self, path: Path) -> None:
        new_database(path).dispose()
        # One undisturbed run: how long the work takes (the kills fall inside it) and
        # what a complete run leaves.
        calibration = self.folder / "calibration.sqlite"
        shutil.copyfile(path, calibration)
        outcome = self.workers.run(self.commands(calibration, self.folder), None)
        assert [d.code for d in outcome.done] == [0], outcome
        self.max_delay = outcome.done[-1].at * 1.05
        self.full = demo_size(calibration)
        assert self.full[0] > 0 and self.full[1] > 1500, self.full
        problems = checks.invariant_problems(calibration)
        assert not problems, problems

    def commands(self, db: Path, folder: Path) -> list[list[str]]:
        return [["--db", str(db), "demo", *self.demo]]

    def after_kill(self, db: Path, outcome: Outcome) -> PROBLEM:
        size = demo_size(db)
        self.notes.append("nothing written" if size == (0, 0, 0) else "complete")
        if size not in ((0, 0, 0), self.full):
            return [f"half a demo: clients, invoices, payments {size}, complete {self.full}"]
        if outcome.finished and size != self.full:
            return ["the demo reported done is not in the file"]
        return []

    def keep_working(self, db: Path, outcome: Outcome) -> PROBLEM:
        if demo_size(db) == (0, 0, 0):
            result = cli(db, "demo", "--invoices", "40", "--clients", "4")
            if result.code != 0:
                return [f"a demo afterwards failed: {result}"]
            return [] if demo_size(db)[1] >= 40 else ["the demo afterwards is not in the file"]
        draft = checks.scalar(db, "SELECT min(id) FROM invoices WHERE status = 'draft' "
                                  "AND doc_type = 'invoice'")  # fmt: skip
        return issue_next(db, int(draft)) if draft is not None else []  # type: ignore[call-overload]


class FreshDemoScenario(DemoScenario):
    """``python -m invoicedesk --db NEW demo``, a process of its own creating its file: the
    kill may land in Python's start-up, the migrations, the generation or the clean-up."""

    name = "demo-new-file"
    words = ("demo", "invoices")  # for the check afterwards only

    def build(self, path: Path) -> None:
        path.touch()  # each trial removes its copy: the command makes the file itself
        outcome, seconds = kill_cli_after(self.folder / "calibration.sqlite", self.args, None)
        assert outcome.status == 0, outcome
        self.max_delay = seconds * 1.05
        self.full = demo_size(self.folder / "calibration.sqlite")

    @property
    def args(self) -> list[str]:
        return ["demo", *self.demo]

    def run_commands(self, db: Path, folder: Path, delay: float) -> Outcome:
        db.unlink()
        return kill_cli_after(db, self.args, delay)[0]

    def after_kill(self, db: Path, outcome: Outcome) -> PROBLEM:
        if not db.exists():
            self.notes.append("no file yet")
            return []
        if demo_size(db) == (0, 0, 0):
            tables = checks.scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'")
            self.notes.append("schema, no data" if tables else "empty file")
        return super().after_kill(db, outcome)

    def keep_working(self, db: Path, outcome: Outcome) -> PROBLEM:
        if not db.exists():
            result = cli(db, "demo", "--invoices", "40", "--clients", "4")
            return [] if result.code == 0 else [f"a demo afterwards failed: {result}"]
        return super().keep_working(db, outcome)


SCENARIOS: dict[str, type[Scenario]] = {
    cls.name: cls
    for cls in (IssueScenario, PaymentScenario, ImportScenario, DemoScenario,
                FreshDemoScenario, OutboxScenario)
}  # fmt: skip
