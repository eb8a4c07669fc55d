"""The disk fills up while a command writes: a clear message, nothing lost, and the same
command works once there is space again.

Two ways to make the write really fail, in the real ``invoicedesk`` process:

* ``tmpfs``: the database lives on a 4 MB tmpfs mounted for the test, and a file
  allocated with ``posix_fallocate`` takes all of it but a few kilobytes. The write of
  the WAL hits ``ENOSPC`` and SQLite reports ``SQLITE_FULL`` ("database or disk is
  full") — exactly a full disk. Mounting needs root (CAP_SYS_ADMIN); elsewhere it is
  skipped.
* ``file-size-limit``: ``RLIMIT_FSIZE`` set in the child before it starts (any user, any
  machine), with ``SIGXFSZ`` ignored so the write fails with ``EFBIG`` instead of the
  signal killing the process. The kernel refuses any write at an offset at or past the
  limit, whatever the file's size, so a limit of a few kilobytes lets the WAL (written
  from offset 0) take that much and no more, while the database file is only read.
  SQLite writes the part up to the limit, then gets ``EFBIG`` and reports
  ``SQLITE_IOERR_WRITE`` ("disk I/O error"), not ``SQLITE_FULL``: a quota or a file-size
  limit looks like that to the app. The command gets a fresh log folder, so its log file
  stays far below the limit.

Each case runs the command on a database holding issued invoices and payments, expects
exit 75 or 2 with one line on stderr that speaks of the disk (no traceback, not
"internal error"), checks that the file is sound and byte-for-byte the same SQL content
as before (``iterdump``), frees the space and runs the command again: it must succeed
and leave everything committed before in place.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.factories import issued_invoice, line, make_client, make_draft, new_database, pay
from tests.faults import checks
from tests.faults.harness import Result, child_env, run_cli
from tests.faults.scenarios import import_document

DISK_SIZE = "4m"


def dump(path: Path) -> list[str]:
    """The file's SQL content, without the planner's statistics (``ANALYZE`` may refresh
    them when a command opens the file; they are not data)."""
    with closing(checks.connect(path)) as connection:
        return [
            line
            for line in connection.iterdump()
            if not line.startswith("ANALYZE ") and '"sqlite_stat' not in line
        ]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, module_keyring: None) -> Path:
    """Issued invoices, payments and two drafts, all committed and checkpointed."""
    path = tmp_path_factory.mktemp("disk-full") / "books.sqlite"
    db = new_database(path)
    client = make_client(db, "Acme GmbH", email="billing@acme.example").id
    for i in range(4):
        invoice = issued_invoice(db, line(str(i + 1), "120.00", "19"), client_id=client)
        pay(db, invoice.id, "50.00")
    for _ in range(2):
        make_draft(db, line("3", "99.00", "7"), line("1", "15.00", "19"), client_id=client)
    db.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory, module_keyring: None) -> Path:
    path = tmp_path_factory.mktemp("disk-full-empty") / "empty.sqlite"
    new_database(path).dispose()
    return path


class Disk:
    """Where the database lives, and how its space runs out and comes back."""

    def __init__(self, folder: Path, limit: Callable[[int], None] | None = None) -> None:
        self.folder = folder
        self.filler = folder / "filler"
        self._limit = limit  # file-size-limit: called with the limit in the child
        self.max_size: int | None = None

    def fill(self, leave: int) -> None:
        """Leave only ``leave`` bytes for what the command writes."""
        if self._limit is None:
            free = os.statvfs(self.folder).f_bavail * os.statvfs(self.folder).f_frsize
            with self.filler.open("wb") as handle:
                os.posix_fallocate(handle.fileno(), 0, max(free - leave, 0))
        else:
            # The kernel refuses a write at or past the limit whatever the file's size,
            # so the WAL (written from offset 0) may take ``leave`` bytes, no more.
            self.max_size = leave

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)
        self.max_size = None

    def run(self, db: Path, *args: str) -> Result:
        popen: dict[str, object] = {
            # A fresh log folder: the log file must not reach the file-size limit itself.
            "env": child_env(
                INVOICEDESK_LOG_DIR=str(self.folder.parent / "logs"), PYTHONDONTWRITEBYTECODE="1"
            )
        }
        if self.max_size is not None:
            limit, size = self._limit, self.max_size
            assert limit is not None

            def preexec() -> None:  # in the child, between fork and exec
                limit(size)

            popen["preexec_fn"] = preexec
        return run_cli(db, *args, **popen)


def _set_file_size_limit(size: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # ignored stays ignored across exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@contextmanager
def tmpfs(folder: Path, size: str = DISK_SIZE) -> Iterator[Disk]:
    """A tmpfs of ``size`` mounted on ``folder`` for the block (skips without root)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True, text=True,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"no tmpfs can be mounted here: {mounted.stderr.strip()}")
    try:
        yield Disk(folder)
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture(params=["tmpfs", "file-size-limit"])
def disk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Disk]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if request.param == "file-size-limit":
        yield Disk(folder, _set_file_size_limit)
    else:
        with tmpfs(folder) as mounted:
            yield mounted


def expect_disk_full_message(result: Result) -> None:
    assert result.code in (2, 75), result
    assert result.out == "", result
    assert result.err.count("\n") == 1 and result.err.startswith("invoicedesk: error: "), result
    assert "internal error" not in result.err and "Traceback" not in result.err, result
    assert "disk" in result.err.lower(), result


def _rows(path: Path, table: str) -> set[tuple[object, ...]]:
    return set(checks.rows(path, f'SELECT * FROM "{table}"'))


# (what the command needs from the file, the arguments, bytes left for its writes)
CASES = {
    # One invoice: the number, frozen totals, audit entry and the archived PDF (~35 KB).
    "issue": ("books", ("invoices", "issue", "5"), 40 * 1024),
    # 3 clients, 2 products, 120 draft invoices in one transaction.
    "import": ("books", ("import", "{json}"), 96 * 1024),
    # 300 invoices with payments and credit notes in one transaction.
    "demo": ("empty", ("demo", "--invoices", "300", "--clients", "10"), 96 * 1024),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_a_full_disk_fails_the_command_cleanly_and_loses_nothing(
    case: str, disk: Disk, books: Path, empty: Path
) -> None:
    source, args, leave = CASES[case]
    db = disk.folder / "books.sqlite"
    shutil.copyfile(books if source == "books" else empty, db)
    document = disk.folder.parent / "import.json"
    document.write_text(json.dumps(import_document("FULL", invoices=120)), encoding="utf-8")
    args = tuple(str(document) if a == "{json}" else a for a in args)
    before = dump(db)
    kept = {table: _rows(db, table) for table in ("clients", "payments", "invoice_lines")}

    disk.fill(leave)
    try:
        failed = disk.run(db, *args)
    finally:
        disk.free()
    expect_disk_full_message(failed)
    assert checks.invariant_problems(db) == []
    assert dump(db) == before, "the failed command changed the file"

    again = disk.run(db, *args)  # the space is back: the same command now works
    assert (again.code, again.err) == (0, ""), again
    assert checks.invariant_problems(db) == []
    for table, rows in kept.items():
        assert rows <= _rows(db, table), f"rows of {table} committed before are gone"
    if case == "issue":
        assert again.out.startswith("Issued RE-"), again


def test_the_disk_really_fills(disk: Disk) -> None:
    """The premise of the tests above: once filled, writing 64 KB more fails in a child
    process (ENOSPC on the tmpfs, EFBIG under the file-size limit)."""
    probe = disk.folder / "probe.bin"
    probe.write_bytes(b"")
    disk.fill(4096)
    limited = disk.max_size
    try:
        write = f"open({str(probe)!r}, 'ab').write(b'x' * 65536)"
        result = subprocess.run(
            [sys.executable, "-c", write], capture_output=True, text=True,
            preexec_fn=None if limited is None else lambda: _set_file_size_limit(limited),
        )  # fmt: skip
    finally:
        disk.free()
    assert result.returncode == 1, result
    expected = errno.ENOSPC if limited is None else errno.EFBIG
    assert f"[Errno {expected}]" in result.stderr, result.stderr


@pytest.mark.slow
def test_when_only_the_statistics_after_a_demo_do_not_fit_the_message_matches_the_file(
    tmp_path: Path, empty: Path
) -> None:
    """Search the headroom (in pages) at which the demo's transaction just fits: there the
    statistics the command takes afterwards no longer do. Whatever the command reports
    must be true of the file: done (exit 0, the demo is there) or failed (nothing is)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    page = 4096
    args = ("demo", "--invoices", "300", "--clients", "10")
    with tmpfs(folder, "8m") as disk:
        db = folder / "books.sqlite"

        def attempt(leave: int) -> tuple[Result, int]:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(empty, db)
            disk.fill(leave)
            try:
                result = disk.run(db, *args)
            finally:
                disk.free()
            assert checks.invariant_problems(db) == []
            invoices = checks.scalar(db, "SELECT count(*) FROM invoices")
            return result, int(invoices)  # type: ignore[call-overload]

        low, high = 16, 1024  # in pages: the demo never fits in 64 KB, always in 4 MB
        assert attempt(low * page)[1] == 0
        assert attempt(high * page)[1] > 0
        while high - low > 1:  # the smallest headroom at which the demo is committed
            middle = (low + high) // 2
            if attempt(middle * page)[1] > 0:
                high = middle
            else:
                low = middle
        for leave in (high, high + 1, high + 2):
            result, invoices = attempt(leave * page)
            reported_done = result.code == 0
            assert reported_done == (invoices > 0), (leave * page, invoices, result)


@pytest.mark.slow
def test_a_backup_to_a_full_disk_names_the_backup_folder_and_leaves_nothing(
    tmp_path: Path, books: Path
) -> None:
    """It said "the database file cannot grow" (the database was only read) and left an
    empty ``.partial`` file in the backup folder."""
    db = tmp_path / "books.sqlite"
    shutil.copyfile(books, db)
    folder = tmp_path / "backups"
    folder.mkdir()
    with tmpfs(folder) as disk:
        disk.fill(16 * 1024)
        try:
            failed = disk.run(db, "backup", "create", "--folder", str(folder))
            left = sorted(p.name for p in folder.iterdir() if p.name != "filler")
        finally:
            disk.free()
        expect_disk_full_message(failed)
        assert failed.code == 75
        assert f"the backup could not be written to {folder}: the disk is full" in failed.err
        assert left == []
        again = disk.run(db, "backup", "create", "--folder", str(folder))
        assert (again.code, again.err) == (0, ""), again
        assert again.out.startswith("Backup written to ")
