"""Fixtures shared by every test package: a real SQLite file built by the migrations."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt widgets in later GUI tests must never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Log files of the commands the tests run go to a folder of the run, never the user's.
os.environ["INVOICEDESK_LOG_DIR"] = tempfile.mkdtemp(prefix="invoicedesk-test-logs-")
# Backups too (a test that wants to see them sets a folder of its own).
os.environ["INVOICEDESK_BACKUP_DIR"] = tempfile.mkdtemp(prefix="invoicedesk-test-backups-")
# And the settings of the machine (the backup folder chosen): never the user's.
os.environ["INVOICEDESK_CONFIG_DIR"] = tempfile.mkdtemp(prefix="invoicedesk-test-config-")

import keyring  # noqa: E402

from invoicedesk.db.engine import Database, open_database  # noqa: E402
from invoicedesk.logs import setup_logging  # noqa: E402
from invoicedesk.services import secrets  # noqa: E402
from tests.factories import TODAY, new_database  # noqa: E402
from tests.keyrings import MemoryKeyring  # noqa: E402

# Once, before any test: the commands the tests run would set it up in the middle of one,
# and its uncaught-exception hooks would then chain to that test's pytest hooks.
setup_logging()


@pytest.fixture(autouse=True)
def private_keyring() -> Iterator[None]:
    """No test reads or writes the machine's real keyring: every test starts with an empty
    in-memory one (tests of the no-keyring path set their own) and no session passwords."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    secrets.clear_session()
    yield
    secrets.clear_session()
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file built once per run by the migrations, with the company profile set.

    Running the migrations takes ten times as long as copying their result, and
    tests/db/test_migrations.py checks fresh builds on their own.
    """
    path = tmp_path_factory.mktemp("migrated") / "template.sqlite"
    new_database(path).dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def db(tmp_path: Path, migrated_file: Path) -> Iterator[Database]:
    """A database of its own for each test: a copy of the migrated file, opened as the app does.

    ``open_database`` checks the revision (already at head) and sets up WAL and foreign keys.
    The company profile (EUR) is set; see :data:`tests.factories.COMPANY`.
    """
    path = tmp_path / "test.sqlite"
    shutil.copyfile(migrated_file, path)
    database = open_database(str(path))
    yield database
    database.dispose()


@pytest.fixture
def today() -> dt.date:
    """The fixed "today" the services are given, so no test depends on the clock."""
    return TODAY


@pytest.fixture
def settle(qtbot):  # type: ignore[no-untyped-def]
    """Wait until every operation (a change run on the write worker) has finished and its
    callbacks have run: ``click(save); settle()``."""
    from invoicedesk.ui import operations

    def wait(timeout: int = 10000) -> None:
        qtbot.waitUntil(lambda: operations.pending() == 0, timeout=timeout)

    return wait
