"""``invoicedesk pdf`` end to end: one file, a new version, a folder of many; one subprocess
runs the export on two spawned worker processes through ``python -m invoicedesk``."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pypdf
import pytest

from invoicedesk.db.engine import Database
from invoicedesk.services import pdfs
from tests.cli.test_commands import Cli, ok, run
from tests.factories import TODAY, issued_invoice, line, make_client, make_draft, pdf_text


@pytest.fixture
def cli(db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("INVOICEDESK_DB", raising=False)
    assert db.path is not None
    return Cli(db.path, capsys)


@pytest.fixture
def books(db: Database) -> dict[str, int]:
    """Two issued invoices and a draft."""
    client = make_client(db).id
    first = issued_invoice(db, line(name="Alpha work"), client_id=client)
    second = issued_invoice(db, line(name="Beta work"), client_id=client, today=TODAY)
    draft = make_draft(db, line(name="Gamma work"), client_id=client)
    return {"first": first.id, "second": second.id, "draft": draft.id}


def _watermarked(content: bytes) -> bool:
    return "DRAFT" in pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_pdf_ref_writes_the_archived_pdf(
    cli: Cli, db: Database, books: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = cli.out("pdf", "re-2026-0001")
    path = tmp_path / "Invoice_RE-2026-0001.pdf"
    assert out == f"{path}\n"
    archived = pdfs.archived_pdf(db, books["first"])
    assert archived is not None and path.read_bytes() == archived.content

    target = tmp_path / "given name.pdf"
    assert cli.out("pdf", "RE-2026-0002", "-o", str(target)) == f"{target}\n"
    assert "Beta work" in pdf_text(target.read_bytes())
    folder = tmp_path / "folder"
    folder.mkdir()
    assert cli.out("pdf", "RE-2026-0002", "-o", str(folder)) == (
        f"{folder / 'Invoice_RE-2026-0002.pdf'}\n"
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_written_files_get_normal_permissions(
    cli: Cli, books: dict[str, int], tmp_path: Path
) -> None:
    """The atomic write goes through a private temporary file; the result must not be."""
    mask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.pdf"
        cli.out("pdf", "RE-2026-0001", "-o", str(fresh))
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        shared = tmp_path / "shared.pdf"
        shared.write_bytes(b"old")
        shared.chmod(0o664)
        cli.out("pdf", "RE-2026-0001", "-o", str(shared))
        assert stat.S_IMODE(shared.stat().st_mode) == 0o664  # a replaced file keeps its mode
        assert shared.read_bytes().startswith(b"%PDF")
    finally:
        os.umask(mask)


def test_pdf_template_and_print_are_fresh_copies(
    cli: Cli, db: Database, books: dict[str, int], tmp_path: Path
) -> None:
    archived = pdfs.archived_pdf(db, books["first"])
    assert archived is not None
    modern, printed = tmp_path / "modern.pdf", tmp_path / "print.pdf"
    cli.out("pdf", "RE-2026-0001", "--template", "modern", "-o", str(modern))
    cli.out("pdf", "RE-2026-0001", "--print", "-o", str(printed))
    assert modern.read_bytes() != archived.content != printed.read_bytes()
    assert "Alpha work" in pdf_text(modern.read_bytes())
    assert len(pdfs.list_versions(db, books["first"])) == 1


def test_pdf_of_a_draft_is_a_preview(cli: Cli, books: dict[str, int], tmp_path: Path) -> None:
    draft = str(books["draft"])
    out = Path(cli.out("pdf", draft, "-o", str(tmp_path)).strip())
    assert out.name == f"Invoice_Draft-{draft}.pdf"
    assert _watermarked(out.read_bytes())


def test_new_version(cli: Cli, db: Database, books: dict[str, int]) -> None:
    out = cli.out("pdf", "RE-2026-0001", "--new-version", "--template", "modern")
    assert out.startswith("Archived version 2 of RE-2026-0001 (modern, ")
    assert out.endswith(", Invoice_RE-2026-0001.pdf)\n")
    assert [v.version for v in pdfs.list_versions(db, books["first"])] == [2, 1]
    error = cli.fails("pdf", str(books["draft"]), "--new-version")
    assert "only issued documents are archived" in error


def test_export_with_filters(cli: Cli, books: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli.out("pdf", "--state", "open,overdue", "--out", str(out), "--jobs", "1") == (
        f"Exported 2 PDFs to {out}\n"
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "Invoice_RE-2026-0001.pdf",
        "Invoice_RE-2026-0002.pdf",
    ]
    assert cli.out("pdf", "--state", "draft", "--out", str(out)) == f"Exported 1 PDF to {out}\n"
    assert cli.out("pdf", "--number", "nothing", "--out", str(out)) == f"Exported 0 PDFs to {out}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pdf",), "pdf: give an invoice REF, or --out DIR"),
        (("pdf", "1", "--out", "x"), "--out: exports the invoices the filters select"),
        (("pdf", "1", "--jobs", "2"), "--jobs: exports the invoices the filters select"),
        (("pdf", "1", "--state", "open"), "REF: filters select invoices for --out DIR"),
        (("pdf", "--out", "x", "-o", "y"), "-o: works with one invoice"),
        (("pdf", "--out", "x", "--template", "modern"), "--template: works with one invoice"),
        (("pdf", "--out", "x", "--jobs", "0"), "--jobs: must be 1 or more"),
        (("pdf", "1", "--new-version", "--print"), "--print: --new-version only archives"),
        (("pdf", "RE-9999"), "no invoice with number or id 'RE-9999'"),
    ],
)
def test_mistakes_are_one_line(
    cli: Cli, books: dict[str, int], args: tuple[str, ...], message: str
) -> None:
    assert message in cli.fails(*args)


def test_bad_template_is_a_usage_error(cli: Cli, books: dict[str, int]) -> None:
    code, out, err = cli("pdf", "1", "--template", "fancy")
    assert (code, out) == (2, "")
    assert "invalid choice: 'fancy'" in err


def test_export_in_a_subprocess_with_spawned_workers(
    db: Database, books: dict[str, int], tmp_path: Path
) -> None:
    """The real thing: ``python -m invoicedesk`` starts two spawned workers."""
    assert db.path is not None
    out = tmp_path / "export"
    db.dispose()  # the subprocess writes (it archives nothing here, but takes the lock)
    result = run(db.path, "pdf", "--out", str(out), "--jobs", "2", "--print")
    assert ok(result) == f"Exported 3 PDFs to {out}\n"
    texts = sorted(pdf_text(p.read_bytes()) for p in out.iterdir())
    assert [w for w in ("Alpha work", "Beta work", "Gamma work") if any(w in t for t in texts)] == [
        "Alpha work",
        "Beta work",
        "Gamma work",
    ]
