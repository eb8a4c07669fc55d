"""Size and start-up of the frozen app, beside the floor: a bare PySide6 window frozen the
same way in the same run.

    python benchmarks/bench_bundle.py [--app DIST/InvoiceDesk] [--archive FILE.tar.xz]

Without ``--app`` it builds InvoiceDesk with scripts/build_release.py into a temporary
folder first (about a minute). The floor is a QApplication with one QWidget, frozen with
``pyinstaller --onedir --strip`` (PyInstaller's defaults otherwise) — what any PySide6 app
weighs before it does anything. Prints folder and tar.xz sizes (xz level 9, as the
release packs it), the largest parts of the app, and ``--version``/``--help`` times of
the frozen command line (best of 10).
Targets: folder ≤ 150 MB, archive ≤ 60 MB, ``--version`` ≤ 0.2 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
BARE = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
window = QWidget()
window.show()
"""


def size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def tar_xz(folder: Path, archive: Path) -> int:
    with tarfile.open(archive, "w:xz", preset=9) as tar:
        tar.add(folder, arcname=folder.name)
    return archive.stat().st_size


def build_floor(work: Path) -> Path:
    script = work / "bare.py"
    script.write_text(BARE, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--onedir", "--strip",
         "--name", "bare", "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
         "--specpath", str(work), str(script)],
        check=True, capture_output=True,
    )  # fmt: skip
    return work / "dist" / "bare"


def best_time(command: list[str], runs: int = 10) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def largest_parts(folder: Path, count: int = 12) -> list[tuple[str, int]]:
    parts: Counter[str] = Counter()
    internal = folder / "_internal"
    for path in internal.rglob("*"):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(internal).parts
            key = "/".join(relative[:3]) if relative[0] == "PySide6" else relative[0]
            parts[key] += path.lstat().st_size
    for exe in folder.iterdir():
        if exe.is_file():
            parts[exe.name + " (program)"] += exe.stat().st_size
    return parts.most_common(count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", help="a built dist/InvoiceDesk folder")
    parser.add_argument("--archive", help="its release tar.xz")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="invoicedesk-bench-bundle-") as scratch:
        work = Path(scratch)
        if args.app:
            app = Path(args.app)
            archive = Path(args.archive) if args.archive else None
        else:
            subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "build_release.py"),
                 "--dist", str(work / "app-dist"), "--work", str(work / "app-build"),
                 "--out", str(work / "release")],
                check=True, capture_output=True,
            )  # fmt: skip
            app = work / "app-dist" / "InvoiceDesk"
            archive = next((work / "release").glob("*.tar.xz"))
        floor = build_floor(work)
        floor_size, floor_packed = size(floor), tar_xz(floor, work / "bare.tar.xz")
        app_size = size(app)
        app_packed = archive.stat().st_size if archive else tar_xz(app, work / "app.tar.xz")

        print(f"{'':<36}{'InvoiceDesk':>12}{'floor':>10}{'ratio':>8}{'target':>9}")
        print(f"{'one-folder app (MB)':<36}{app_size / MB:>12.1f}{floor_size / MB:>10.1f}"
              f"{app_size / floor_size:>8.2f}{150:>9}")  # fmt: skip
        print(f"{'tar.xz, level 9 (MB)':<36}{app_packed / MB:>12.1f}{floor_packed / MB:>10.1f}"
              f"{app_packed / floor_packed:>8.2f}{60:>9}")  # fmt: skip
        cli = app / ("invoicedesk" if sys.platform.startswith("linux") else "invoicedesk-cli")
        for flag in ("--version", "--help"):
            seconds = best_time([str(cli), flag])
            print(f"{'invoicedesk ' + flag + ' (ms, best of 10)':<36}{seconds * 1000:>12.0f}"
                  f"{'':>10}{'':>8}{200:>9}")  # fmt: skip
        print("\nlargest parts of the app (MB):")
        for name, bytes_ in largest_parts(app):
            print(f"  {bytes_ / MB:6.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
