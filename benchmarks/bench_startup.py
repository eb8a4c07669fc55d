"""Start-up: process start → the invoice list shows its first rows, against a minimal-window floor.

Run: ``python benchmarks/bench_startup.py [--db FILE] [--runs N] [--frozen DIR]``.

Each run is a fresh process, started the way a person starts the app (``invoicedesk --db
FILE``, offscreen) with ``INVOICEDESK_STARTUP_PROBE=1``: the app then paints the window as
soon as the invoice list has rows (or has loaded an empty list), prints the wall-clock time
on stderr and exits (``invoicedesk.ui.app.install_startup_probe``). This script measures
from just before spawning the process to that time, so interpreter start and every import
count. Settings, logs, backups and the machine configuration go to a fresh temporary folder
for each run: the window opens on the invoice list, as on a first start.

Figures (median of ``--runs``):

* app, 100k — the app on ``--db`` (default /tmp/invoicedesk-bench-100k.sqlite, made by
  ``invoicedesk demo --invoices 100000`` if missing). Target ≤ 0.6 s (venv), ≤ 1.0 s
  (``--frozen``), and ≤ 4× the floor.
* app, empty — the same on an empty, configured database (no first-start wizard).
* floor — a minimal PySide6 window with a table, filled by plain ``sqlite3`` with the first
  200 rows of the invoice list's columns (newest first), painted; started the same way
  (the same interpreter; with ``--frozen``, still the venv's: there is no frozen floor).

``--frozen DIR``: run ``DIR/InvoiceDesk`` (``pyinstaller invoicedesk.spec`` builds
``dist/InvoiceDesk/``) instead of the venv's ``invoicedesk``.

Every figure is printed with the floor of the same run, the ratio, and the load average the
run started with (the machine is shared); also the median CPU time of the process (all its
threads, user + system) and its ratio, which a busy machine moves less than the wall clock.
This is a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = Path("/tmp/invoicedesk-bench-100k.sqlite")
TARGET_VENV_S = 0.6
TARGET_FROZEN_S = 1.0
TARGET_RATIO = 4.0
PROBE = "startup-probe"
CPU: list[float] = []  # CPU seconds of the last run_once()

# The floor: what any PySide6 app reading this file needs before its list shows rows.
FLOOR_SCRIPT = r"""
import sqlite3, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget, QTableWidgetItem
app = QApplication(sys.argv[:1])
connection = sqlite3.connect(sys.argv[1])
rows = connection.execute(
    "SELECT i.id, i.number, c.name, i.date, i.due_date, i.status, i.net, i.gross,"
    " i.open_amount, i.currency,"
    " (SELECT group_concat(t.name, ', ') FROM invoice_tags it JOIN tags t ON t.id = it.tag_id"
    "  WHERE it.invoice_id = i.id)"
    " FROM invoices i JOIN clients c ON c.id = i.client_id"
    " ORDER BY i.date DESC, i.id DESC LIMIT 200"
).fetchall()
window = QMainWindow()
table = QTableWidget(len(rows), 9)
for r, row in enumerate(rows):
    values = (row[1], row[2], row[3], row[4], row[5], row[6] / 100, row[7] / 100, row[8] / 100,
              row[10] or "")
    for c, value in enumerate(values):
        table.setItem(r, c, QTableWidgetItem(str(value)))
window.setCentralWidget(table)
window.resize(1280, 800)
window.show()
window.repaint()
sys.stderr.write(f"startup-probe rows={len(rows)} time={time.time():.6f}\n")
sys.stderr.flush()
"""


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def app_command(frozen: Path | None, db: Path) -> list[str]:
    """The frozen app, or the venv's ``invoicedesk`` (the README's start command)."""
    if frozen is not None:
        return [str(frozen / "InvoiceDesk"), "--db", str(db)]
    script = Path(sys.executable).with_name("invoicedesk")
    if script.exists():
        return [str(script), "--db", str(db)]
    return [sys.executable, "-m", "invoicedesk", "--db", str(db)]


def run_once(command: list[str], extra_env: dict[str, str] | None = None) -> tuple[float, int]:
    """Seconds from spawning ``command`` to its probe line, and the rows it reported.
    The process's CPU seconds (all threads) go to ``CPU``: on a busy machine they move
    less than the wall-clock figure."""
    with tempfile.TemporaryDirectory(prefix="invoicedesk-bench-startup-") as folder:
        home = Path(folder)
        env = dict(os.environ)
        # An installed app has its bytecode cached (pip compiles on install, the frozen
        # build ships it): without this, every run would compile the files changed since.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(
            QT_QPA_PLATFORM="offscreen",
            INVOICEDESK_STARTUP_PROBE="1",
            XDG_CONFIG_HOME=str(home / "config"),  # QSettings: no saved page or layout
            INVOICEDESK_CONFIG_DIR=str(home / "machine"),
            INVOICEDESK_LOG_DIR=str(home / "logs"),
            INVOICEDESK_BACKUP_DIR=str(home / "backups"),
        )
        env.update(extra_env or {})
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.time()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for line in done.stderr.splitlines():
        if line.startswith(PROBE):
            fields = dict(part.split("=", 1) for part in line.split()[1:])
            CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            return float(fields["time"]) - started, int(fields["rows"])
    raise RuntimeError(f"{command[0]} exited {done.returncode} without a probe:\n{done.stderr}")


@dataclass
class Runs:
    """One command's runs: seconds, the rows it reported, and CPU seconds of each run."""

    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rows: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)


def paired_runs(runs: int, floor_cmd: list[str], app_cmd: list[str]) -> tuple[Runs, Runs]:
    """``runs`` runs of each command, alternating floor and app: this machine's speed
    drifts by tens of percent within minutes (it is shared), and a block of floor runs
    followed by a block of app runs would put that drift into the ratio."""
    floor, app = Runs(), Runs()
    for _ in range(runs):
        for command, into in ((floor_cmd, floor), (app_cmd, app)):
            del CPU[:]
            seconds, into.rows = run_once(command)
            into.times.append(seconds)
            into.cpu.append(CPU[0])
    return floor, app


def pair_ratio(app: Runs, floor: Runs) -> float:
    """The median of each pair's ratio (app run i / floor run i, run back to back)."""
    return statistics.median(a / f for a, f in zip(app.times, floor.times, strict=True))


def empty_database(folder: Path) -> Path:
    """A new database with the company profile filled in (so no first-start wizard)."""
    from invoicedesk.services.books import open_books
    from invoicedesk.services.settings import CompanyData, update_company

    path = folder / "empty.sqlite"
    db = open_books(str(path))
    update_company(db, CompanyData(name="Bench GmbH", street="Hauptstraße 1", zip="10115",
                                   city="Berlin", country="DE", currency="EUR"))  # fmt: skip
    db.dispose()
    return path


def ensure_demo(path: Path) -> None:
    if not path.exists():
        print(f"creating {path} (100,000 invoices, about a minute) …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "invoicedesk", "--db", str(path), "demo", "--invoices",
             "100000"], check=True,
        )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="the 100k database file")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frozen", type=Path, help="folder of the frozen app (dist/InvoiceDesk)")
    args = parser.parse_args()
    ensure_demo(args.db)
    target = TARGET_FROZEN_S if args.frozen else TARGET_VENV_S
    where = f"frozen {args.frozen}" if args.frozen else f"venv {sys.executable}"
    print(f"start-up, {where}; {args.runs} runs each, median; load average {load_average()}")
    with tempfile.TemporaryDirectory(prefix="invoicedesk-bench-empty-") as folder:
        empty = empty_database(Path(folder))
        floor_cmd = [sys.executable, "-c", FLOOR_SCRIPT, str(args.db)]
        floor_empty_cmd = [sys.executable, "-c", FLOOR_SCRIPT, str(empty)]
        run_once(floor_cmd)  # warm the disk cache and the bytecode before anything counts
        run_once(app_command(args.frozen, args.db))
        floor, app = paired_runs(args.runs, floor_cmd, app_command(args.frozen, args.db))
        floor_e, app_e = paired_runs(args.runs, floor_empty_cmd, app_command(args.frozen, empty))
    print(f"load average after: {load_average()}")
    heads = f"{'median':>8} {'floor':>8} {'ratio':>6} {'pairs':>6} {'CPU':>6} {'ratio':>6}"
    print(f"{'what':<36} {heads}  runs (ms)")
    for what, runs, base in (
        (f"app, {args.db.name} ({app.rows} rows)", app, floor),
        (f"floor, same file ({floor.rows} rows)", floor, floor),
        (f"app, empty database ({app_e.rows} rows)", app_e, floor_e),
        ("floor, empty database", floor_e, floor_e),
    ):
        times = " ".join(f"{t * 1000:.0f}" for t in runs.times)
        print(
            f"{what:<36} {runs.median * 1000:6.0f}ms {base.median * 1000:6.0f}ms "
            f"{runs.median / base.median:5.2f}× {pair_ratio(runs, base):5.2f}× "
            f"{runs.median_cpu * 1000:4.0f}ms {runs.median_cpu / base.median_cpu:5.2f}×  {times}"
        )
    print("ratio: median / floor's median; pairs: the median of run-by-run ratios (each app"
          " run against the floor run just before it)")
    ratio = app.median / floor.median
    met = app.median <= target and ratio <= TARGET_RATIO
    print(
        f"target: ≤ {target * 1000:.0f} ms and ≤ {TARGET_RATIO:.0f}× the floor → "
        f"{app.median * 1000:.0f} ms, {ratio:.2f}×: {'met' if met else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
