"""The frame of a kill -9 trial: :class:`Scenario` (template, workload, kill, checks,
keep working) and the helpers the scenarios share. The scenarios themselves are in
:mod:`tests.faults.scenarios` and :mod:`tests.faults.outbox_scenario`.

A trial copies a prepared database (the *template*, built once per scenario), starts a
process on the scenario's commands, SIGKILLs it a random time after it started and then
checks, in this order:

1. the file: :func:`tests.faults.checks.invariant_problems` (integrity, no half-written
   document, payment, audit trail or mail; gapless numbers);
2. the operation's own all-or-nothing rule: every command the process reported done is
   in the file, the one that was running when it died is wholly there or wholly absent,
   and nothing after it was touched;
3. that the app keeps working: the next command on the file succeeds (the next number
   follows the last one, delivery goes on without sending anything twice), and the file
   is still sound afterwards.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from invoicedesk.core.numbering import format_number, period_key
from tests.faults import checks
from tests.faults.harness import Outcome, Workers, cli

PROBLEM = list[str]


@dataclass
class Trial:
    """What one kill did and what was wrong afterwards (``problems`` empty: all good)."""

    scenario: str
    seed: str
    delay: float
    killed: bool = False  # False: the worker had finished before the kill came
    finished: int = 0  # commands the worker reported done before it died
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # where the kill landed, when known
    seconds: float = 0.0

    def describe(self) -> str:
        state = f"killed after {self.finished} commands" if self.killed else "finished first"
        notes = f" ({', '.join(self.notes)})" if self.notes else ""
        lines = [f"{self.scenario} seed={self.seed} delay={self.delay:.3f}s: {state}{notes}"]
        return "\n  ".join(lines + self.problems)


def issued_numbers(db: Path) -> dict[int, str | None]:
    return {int(i): n for i, n in checks.rows(db, "SELECT id, number FROM invoices")}  # type: ignore[misc]


def expected_next_number(db: Path, doc_type: str, date: dt.date) -> str:
    """The number the next document of ``doc_type`` dated ``date`` must get."""
    with closing(checks.connect(db)) as connection:
        pattern = checks.number_patterns(connection)[doc_type]
        row = connection.execute(
            "SELECT next_value FROM number_sequences WHERE doc_type = ? AND period = ?",
            (doc_type, period_key(pattern, date)),
        ).fetchone()
    return format_number(pattern, date, row[0] if row else 1)


def archived_problems(db: Path, invoice_ids: list[int]) -> PROBLEM:
    """Documents issued by ``invoices issue`` have their PDF archived in the same
    transaction (the demo generator archives none, so this is no general invariant)."""
    missing = [
        i
        for i in invoice_ids
        if not checks.scalar(db, "SELECT count(*) FROM stored_documents WHERE invoice_id = ?", i)
    ]
    return [f"issued without the archived PDF: {missing}"] if missing else []


def issue_next(db: Path, invoice_id: int) -> PROBLEM:
    """Issue draft ``invoice_id`` with the CLI: it works, gets the next number and its
    archived PDF."""
    date_text = checks.scalar(db, "SELECT date FROM invoices WHERE id = ?", invoice_id)
    date = dt.date.fromisoformat(str(date_text)) if date_text else dt.date.today()
    expected = expected_next_number(db, "invoice", date)
    result = cli(db, "invoices", "issue", str(invoice_id))
    if result.code != 0:
        return [f"issuing draft {invoice_id} afterwards failed: {result.code} {result.err}"]
    if not result.out.startswith(f"Issued {expected} "):
        return [f"the next number is not {expected}: {result.out.strip()}"]
    return archived_problems(db, [invoice_id])


class Scenario:
    """One operation under kill -9. Subclasses fill in the four steps."""

    name = ""
    words: tuple[str, ...] = ()  # the commands the fork server loads
    max_delay = 0.8  # seconds after the start; the workload lasts longer than that

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.notes: list[str] = []  # the running trial's
        folder.mkdir(parents=True, exist_ok=True)
        self.template = folder / "template.sqlite"
        self.workers = Workers(folder, self.words)
        try:
            self.build(self.template)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.workers.close()

    def __enter__(self) -> Scenario:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def build(self, path: Path) -> None:
        raise NotImplementedError

    def commands(self, db: Path, folder: Path) -> list[list[str]]:
        raise NotImplementedError

    def after_kill(self, db: Path, outcome: Outcome) -> PROBLEM:
        return []

    def keep_working(self, db: Path, outcome: Outcome) -> PROBLEM:
        raise NotImplementedError

    def delay(self, rng: Random) -> float:
        return rng.uniform(0.0, self.max_delay)

    def run_commands(self, db: Path, folder: Path, delay: float) -> Outcome:
        return self.workers.run(self.commands(db, folder), delay)

    def trial(self, seed: str) -> Trial:
        started = time.monotonic()
        rng = Random(f"{self.name}-{seed}")
        folder = self.folder / f"trial-{seed}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        db = folder / "books.sqlite"
        shutil.copyfile(self.template, db)
        trial = Trial(self.name, seed, self.delay(rng))
        self.notes = trial.notes
        outcome = self.run_commands(db, folder, trial.delay)
        trial.killed, trial.finished = outcome.killed, outcome.finished
        if not outcome.killed and outcome.status != 0:
            trial.problems.append(f"the process ended with status {outcome.status}")
        failed = [d for d in outcome.done if d.code != 0]
        if failed:
            trial.problems.append(f"a command failed before the kill: {failed[0]}")
        trial.problems += checks.invariant_problems(db) if db.exists() else []
        if not trial.problems:
            trial.problems += self.after_kill(db, outcome)
        if not trial.problems:
            trial.problems += self.keep_working(db, outcome)
            trial.problems += checks.invariant_problems(db)
        if trial.problems and outcome.stderr.strip():
            trial.problems.append(f"worker stderr: {outcome.stderr.strip()[-800:]}")
        trial.seconds = time.monotonic() - started
        return trial


def prefix_rule(states: list[bool], finished: int, what: str, notes: list[str]) -> PROBLEM:
    """``states[i]``: whether command i's change is in the file. Commands 0 … finished-1
    reported done: theirs must be there; the one running at the kill may or may not be;
    none after it may be."""
    if finished < len(states):
        notes.append("the cut-off command's change " + ("is in" if states[finished] else "is not"))
    problems = []
    missing = [i for i in range(min(finished, len(states))) if not states[i]]
    if missing:
        problems.append(f"{what} reported done but not in the file: commands {missing}")
    early = [i for i in range(finished + 1, len(states)) if states[i]]
    if early:
        problems.append(f"{what} in the file though never started: commands {early}")
    return problems
