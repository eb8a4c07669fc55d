"""Smoke-test an installed InvoiceDesk: the programs a user runs, not the source tree.

    python scripts/smoke_test.py --cli PATH [--gui PATH] [--work DIR]

``--cli`` is the ``invoicedesk`` command (a wheel's console script or the frozen
``invoicedesk``); ``--gui`` the windowed program (``invoicedesk-gui`` or ``InvoiceDesk``).
It runs them in a scratch folder, never in the checkout, with Qt offscreen:

1. ``--version`` (and how long it took) and ``--help``;
2. ``demo`` into a new database;
3. ``pdf REF`` of an issued invoice: the fonts must be embedded (poppler's ``pdffonts``);
4. ``pdf --out DIR --jobs 2`` (the process pool): one PDF per invoice;
5. ``self-check --offscreen``: every screen and an invoice in the editor;
6. the windowed program's ``--self-check``, offscreen and, where ``xvfb-run`` exists, on a
   real X server (Qt's xcb plugin and the libraries it needs);
7. the log file was written.

Standard library only, so any Python runs it. Exits 1 on the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT = 300


class SmokeFailure(Exception):
    pass


def run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    started = time.perf_counter()
    result = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    elapsed = time.perf_counter() - started
    shown = " ".join(Path(command[0]).name if i == 0 else part for i, part in enumerate(command))
    print(f"  $ {shown}  ({elapsed:.2f} s, exit {result.returncode})", flush=True)
    if result.returncode != 0:
        raise SmokeFailure(
            f"{shown} exited {result.returncode}\n--- stdout\n{result.stdout}\n"
            f"--- stderr\n{result.stderr}"
        )
    return result


def best_of(command: list[str], env: dict[str, str], cwd: Path, times: int = 5) -> float:
    """The fastest of several runs: start-up time without the first cold-cache run."""
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=True, timeout=60)
        best = min(best, time.perf_counter() - started)
    return best


def check_fonts_embedded(pdf: Path) -> str:
    if shutil.which("pdffonts") is None:
        raise SmokeFailure("pdffonts is missing (Debian package poppler-utils)")
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    if not listing:
        raise SmokeFailure(f"{pdf.name} uses no fonts at all")
    names = []
    for line in listing:
        columns = line.split()
        # name type encoding emb sub uni object ID (type may be two words: "Type 1")
        emb = columns[-5]
        names.append(columns[0])
        if emb != "yes":
            raise SmokeFailure(f"{pdf.name}: font {columns[0]} is not embedded")
    if not any("Noto" in name for name in names):
        raise SmokeFailure(f"{pdf.name}: the shipped Noto fonts are not used: {names}")
    return ", ".join(names)


def smoke(cli: str, gui: str | None, work: Path) -> None:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        INVOICEDESK_LOG_DIR=str(work / "logs"),
        INVOICEDESK_DB=str(work / "books.sqlite"),
        HOME=str(work / "home"),  # settings and data folders of a user who never ran it
        XDG_CONFIG_HOME=str(work / "home" / ".config"),
        XDG_DATA_HOME=str(work / "home" / ".local" / "share"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("PYTHONPATH", None)
    (work / "home").mkdir(parents=True, exist_ok=True)

    print("1. version and help")
    version = run([cli, "--version"], env, work).stdout.strip()
    if not version.startswith("invoicedesk "):
        raise SmokeFailure(f"--version printed {version!r}")
    run([cli, "--help"], env, work)
    fastest = best_of([cli, "--version"], env, work)
    print(f"  {version}; --version takes {fastest * 1000:.0f} ms (best of 5)")

    print("2. demo data")
    run([cli, "demo", "--clients", "6", "--invoices", "24"], env, work)
    listed = json.loads(run([cli, "invoices", "list", "--format", "json"], env, work).stdout)
    issued = [row for row in listed if row["number"] and row["state"] != "draft"]
    if not issued:
        raise SmokeFailure("the demo created no issued invoice")

    print("3. one PDF with embedded fonts")
    pdf = work / "one.pdf"
    run([cli, "pdf", issued[0]["number"], "-o", str(pdf)], env, work)
    if not pdf.read_bytes().startswith(b"%PDF-"):
        raise SmokeFailure(f"{pdf} is not a PDF")
    print(f"  fonts: {check_fonts_embedded(pdf)}")

    print("4. batch export with two worker processes")
    out = work / "export"
    run([cli, "pdf", "--out", str(out), "--jobs", "2"], env, work)
    written = sorted(out.glob("*.pdf"))
    if len(written) != len(listed):
        raise SmokeFailure(f"exported {len(written)} PDFs for {len(listed)} invoices")
    check_fonts_embedded(written[-1])

    print("5. every screen and the editor (command line)")
    report = run([cli, "self-check", "--offscreen"], env, work).stdout
    print("  " + report.strip().replace("\n", "\n  "))
    if "all checks passed" not in report or f"{len(listed)} rows" not in report:
        raise SmokeFailure("self-check did not show every invoice")

    if gui:
        print("6. the windowed program")
        report = run([gui, "--self-check"], env, work).stdout
        if "all checks passed" not in report:
            raise SmokeFailure(f"the windowed program's self-check said:\n{report}")
        print("  all checks passed")
        if sys.platform.startswith("linux") and shutil.which("xvfb-run"):
            x11 = {key: value for key, value in env.items() if key != "QT_QPA_PLATFORM"}
            report = run(["xvfb-run", "-a", gui, "--self-check"], x11, work).stdout
            if "Qt platform xcb" not in report or "all checks passed" not in report:
                raise SmokeFailure(f"on an X server the self-check said:\n{report}")
            print("  on an X server (xcb): all checks passed")

    print("7. log file")
    log = work / "logs" / "invoicedesk.log"
    if not log.is_file() or "Self-check passed" not in log.read_text("utf-8"):
        raise SmokeFailure(f"{log} does not record the self-check")
    print(f"  {log.name}: {log.stat().st_size} bytes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", required=True, help="the invoicedesk command")
    parser.add_argument("--gui", help="the windowed program")
    parser.add_argument("--work", help="scratch folder (default: a new temporary one)")
    args = parser.parse_args()
    cli = shutil.which(args.cli) or args.cli
    gui = (shutil.which(args.gui) or args.gui) if args.gui else None
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="invoicedesk-smoke-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"Smoke test of {cli}")
    try:
        smoke(str(Path(cli).resolve()), str(Path(gui).resolve()) if gui else None, work)
    except (SmokeFailure, subprocess.SubprocessError, OSError) as exc:
        print(f"SMOKE TEST FAILED: {exc}", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
