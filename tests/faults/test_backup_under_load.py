"""``invoicedesk backup create`` while another process writes, then ``backup restore``.

A forked process issues 30 drafts one after another (or generates a demo in one big
transaction) while ``python -m invoicedesk backup create`` runs three times (twice for
the demo) in processes of their own. Every backup must be a consistent moment of the
writer's work: it passes ``integrity_check`` and the invariants of
:mod:`tests.faults.checks` on its own, holds a prefix of the issued drafts (or none or
all of the demo), and restores to a file that passes them too and keeps working (the
next draft gets the next number).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import new_database
from tests.faults import checks
from tests.faults.harness import Workers, cli, run_cli
from tests.faults.scenarios import IssueScenario, demo_size, issue_next

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def issuing(
    tmp_path_factory: pytest.TempPathFactory, module_keyring: None
) -> Iterator[IssueScenario]:
    with IssueScenario(tmp_path_factory.mktemp("backup-issue")) as scenario:
        yield scenario


def backup(db: Path, folder: Path) -> Path:
    made = run_cli(db, "backup", "create", "--folder", str(folder))
    assert made.code == 0, made
    found = re.match(r"Backup written to (.+) \(\d+ clients?, \d+ invoices?\)$", made.out.strip())
    assert found is not None, made.out
    return Path(found.group(1))


def restore(backup_file: Path, db: Path, target: Path) -> None:
    """Restore ``backup_file`` over a copy of the writer's file as it ended."""
    shutil.copyfile(db, target)
    restored = cli(target, "backup", "restore", str(backup_file))
    assert restored.code == 0, restored
    assert restored.out.startswith(f"Restored {target.name} from {backup_file.name}"), restored


def test_backups_taken_while_invoices_are_issued(issuing: IssueScenario, tmp_path: Path) -> None:
    db = tmp_path / "books.sqlite"
    shutil.copyfile(issuing.template, db)
    ids = issuing.ids
    # More work than three backups take, on any machine: issue 30 drafts, then pay each
    # twice. The writer is killed once the backups are done, so each was taken while it
    # was writing (and its own file must survive that too).
    payments = [["--db", str(db), "payments", "add", str(i), "--amount", "1.00"] for i in ids + ids]
    job = issuing.workers.start(issuing.commands(db, tmp_path) + payments)
    backups = [backup(db, tmp_path / f"backups-{i}") for i in range(3)]
    outcome = job.run_for(0)
    assert outcome.killed, "the writer finished before the backups did: give it more work"
    assert {d.code for d in outcome.done} <= {0}, outcome
    assert checks.invariant_problems(db) == []

    progress = []
    for i, made in enumerate(backups):
        assert checks.invariant_problems(made) == [], made
        numbers = {int(k): v for k, v in checks.rows(made, "SELECT id, number FROM invoices")}
        issued = [numbers[d] is not None for d in ids]
        count = sum(issued)
        assert issued == [True] * count + [False] * (len(issued) - count), "not a prefix"
        paid = int(checks.scalar(made, "SELECT count(*) FROM payments"))  # type: ignore[arg-type]
        assert paid == 0 or count == len(ids), "payments before all drafts were issued"
        progress.append(count + paid)

        target = tmp_path / f"restored-{i}.sqlite"
        restore(made, db, target)
        assert checks.invariant_problems(target) == []
        assert checks.rows(target, "SELECT id, number FROM invoices ORDER BY id") == sorted(
            numbers.items()
        )
        if count < len(ids):
            assert issue_next(target, ids[count]) == []
        else:
            paying = cli(target, "payments", "add", str(ids[0]), "--amount", "0.01")
            assert paying.code == 0, paying
        assert checks.invariant_problems(target) == []
    # The backups fell inside the work: later ones hold more of it, none holds all.
    assert progress == sorted(progress), progress
    assert all(p < len(ids) + len(payments) for p in progress), progress
    assert progress[-1] > 0, progress


def test_backups_taken_while_a_demo_is_generated(tmp_path: Path, module_keyring: None) -> None:
    db = tmp_path / "demo.sqlite"
    new_database(db).dispose()
    with Workers(tmp_path / "workers", ["demo"]) as workers:
        job = workers.start([["--db", str(db), "demo", "--invoices", "2500", "--clients", "30"]])
        backups = [backup(db, tmp_path / f"backups-{i}") for i in range(2)]
        outcome = job.finish()
    assert [d.code for d in outcome.done] == [0], outcome
    complete = demo_size(db)
    for i, made in enumerate(backups):
        # One transaction: a backup holds all of it or (taken before the commit) none.
        assert checks.invariant_problems(made) == []
        assert demo_size(made) in ((0, 0, 0), complete)
        target = tmp_path / f"restored-{i}.sqlite"
        restore(made, db, target)
        assert checks.invariant_problems(target) == []
        assert demo_size(target) == demo_size(made)
        again = cli(target, "demo", "--invoices", "40", "--clients", "4")
        if demo_size(made) == (0, 0, 0):
            assert again.code == 0, again
        else:
            assert again.code == 2 and "already has" in again.err, again
        assert checks.invariant_problems(target) == []
