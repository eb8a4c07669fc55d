"""``invoicedesk backup create|list|restore`` end to end, as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from invoicedesk.db.engine import open_database
from invoicedesk.services.search import count_invoices
from tests.factories import make_client, make_draft


def run(db: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INVOICEDESK_DB"}
    env["INVOICEDESK_BACKUP_DIR"] = str(folder)
    return subprocess.run(
        [sys.executable, "-m", "invoicedesk", "--db", str(db), "backup", *args],
        capture_output=True, text=True, encoding="utf-8", timeout=120, env=env,
    )  # fmt: skip


def test_create_list_and_restore_the_latest(tmp_path, migrated_file):
    path = tmp_path / "books.sqlite"
    shutil.copyfile(migrated_file, path)
    db = open_database(str(path))
    make_draft(db, client_id=make_client(db, "Acme GmbH").id)
    db.dispose()
    folder = tmp_path / "backups"

    created = run(path, folder, "create")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith(f"Backup written to {folder / 'books'}")
    assert "(1 client, 1 invoice)" in created.stdout

    db = open_database(str(path))
    make_draft(db, client_id=make_client(db, "Later Ltd").id)
    db.dispose()

    listed = json.loads(run(path, folder, "list", "--format", "json").stdout)
    assert [(row["kind"], row["clients"], row["invoices"]) for row in listed] == [("manual", 1, 1)]

    restored = run(path, folder, "restore", "latest")
    assert restored.returncode == 0, restored.stderr
    assert "the previous contents are in" in restored.stdout
    db = open_database(str(path))
    assert count_invoices(db) == 1
    db.dispose()


def test_restore_refuses_a_file_that_is_no_backup_and_changes_nothing(tmp_path, migrated_file):
    path = tmp_path / "books.sqlite"
    shutil.copyfile(migrated_file, path)
    before = path.read_bytes()
    junk = tmp_path / "junk.sqlite"
    junk.write_text("hello", encoding="utf-8")
    result = run(path, tmp_path / "backups", "restore", str(junk))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("invoicedesk: error: backup: junk.sqlite cannot be restored")
    assert path.read_bytes() == before
    nothing = run(path, tmp_path / "empty", "restore", "latest")
    assert nothing.returncode == 2
    assert "there is no backup of this database yet" in nothing.stderr
