"""Build the frozen app and the package users download, for the platform it runs on.

    python scripts/build_release.py [--smoke] [--out release] [--dist DIR] [--work DIR]

1. ``pyinstaller invoicedesk.spec`` builds the one-folder app (``dist/InvoiceDesk``; on
   macOS also ``dist/InvoiceDesk.app``).
2. It is packed for the platform:
   Linux    ``InvoiceDesk-<version>-linux-<arch>.tar.xz`` with install.sh, uninstall.sh,
            the .desktop file, the icons and INSTALL.txt;
   Windows  ``InvoiceDesk-<version>-setup.exe`` by Inno Setup (``iscc`` on the PATH);
   macOS    ``InvoiceDesk-<version>.dmg`` by packaging/macos/make_dmg.sh.
3. ``--smoke`` runs scripts/smoke_test.py against the frozen programs and, on Linux,
   installs the archive into a scratch home with install.sh and runs the installed command.

It prints the folder's and the package's size against the targets (150 MB, 60 MB).
Needs ``pip install ".[build]"``. See docs/release.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "org.invoicedesk.InvoiceDesk"
FOLDER_TARGET_MB = 150
PACKAGE_TARGET_MB = 60
MB = 1024 * 1024


def version() -> str:
    text = (ROOT / "invoicedesk" / "__init__.py").read_text("utf-8")
    match = re.search(r'__version__ = "([^"]+)"', text)
    assert match, "invoicedesk/__init__.py has no __version__"
    return match.group(1)


def folder_size(path: Path) -> int:
    """Bytes of all files below ``path``; symbolic links count as nothing (as on disk)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run(command: list[str], **kwargs: object) -> None:
    print("$ " + " ".join(str(part) for part in command), flush=True)
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def build_folder(dist: Path, work: Path) -> Path:
    run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(ROOT / "invoicedesk.spec")],
        cwd=ROOT,
    )  # fmt: skip
    return dist / "InvoiceDesk"


def cli_name() -> str:
    return "invoicedesk" if sys.platform.startswith("linux") else "invoicedesk-cli"


def pack_linux(folder: Path, out: Path) -> Path:
    """A tar.xz whose one top folder holds the app and what install.sh needs.

    xz, not gzip: its 64 MB window also catches the second program's copy of the compiled
    modules, which sits right after the first (about 46 MB against gzip's 75 MB). Every
    Linux tar and archive manager opens it.
    """
    machine = platform.machine().lower().replace("amd64", "x86_64")
    top = f"InvoiceDesk-{version()}"
    archive = out / f"{top}-linux-{machine}.tar.xz"
    extras = {
        "install.sh": ROOT / "packaging" / "linux" / "install.sh",
        "uninstall.sh": ROOT / "packaging" / "linux" / "uninstall.sh",
        "INSTALL.txt": ROOT / "packaging" / "linux" / "INSTALL.txt",
        f"{APP_ID}.desktop": ROOT / "resources" / "linux" / f"{APP_ID}.desktop",
    }
    icons = sorted((ROOT / "resources" / "icons").glob("invoicedesk-*.png"))
    with tarfile.open(archive, "w:xz", preset=9) as tar:
        # The two programs first and side by side, then the libraries.
        for name in ("InvoiceDesk", "invoicedesk", "_internal"):
            tar.add(folder / name, arcname=f"{top}/{name}")
        for name, source in extras.items():
            tar.add(source, arcname=f"{top}/{name}")
        for icon in icons:
            tar.add(icon, arcname=f"{top}/icons/{icon.name}")
    return archive


def pack_windows(folder: Path, out: Path) -> Path:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc is None:
        raise SystemExit("Inno Setup's iscc is not on the PATH (see docs/release.md)")
    run([iscc, f"/DAppVersion={version()}", f"/DSourceDir={folder}", f"/DOutputDir={out}",
         str(ROOT / "packaging" / "windows" / "invoicedesk.iss")])  # fmt: skip
    return out / f"InvoiceDesk-{version()}-setup.exe"


def pack_macos(dist: Path, out: Path) -> Path:
    dmg = out / f"InvoiceDesk-{version()}.dmg"
    run(["bash", str(ROOT / "packaging" / "macos" / "make_dmg.sh"),
         str(dist / "InvoiceDesk.app"), str(dmg)])  # fmt: skip
    return dmg


def unresolved_libraries(folder: Path) -> list[str]:
    """Bundled binaries that link to a library nobody can find: the build machine lacked it,
    so PyInstaller could not bundle it (Qt's xcb plugin once missed libxcb-icccm so)."""
    internal = folder / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6/Qt/lib'}"}
    missing = []
    for path in sorted(internal.rglob("*.so*")):
        if path.is_file() and not path.is_symlink():
            result = subprocess.run(["ldd", str(path)], env=env, capture_output=True, text=True)
            for line in result.stdout.splitlines():
                if "not found" in line:
                    missing.append(f"{path.relative_to(folder)}: {line.split()[0]}")
    return missing


def smoke(folder: Path, archive: Path | None) -> None:
    if sys.platform.startswith("linux") and shutil.which("ldd"):
        missing = unresolved_libraries(folder)
        if missing:
            raise SystemExit("libraries missing from the build:\n  " + "\n  ".join(missing))
        print("every bundled library's dependencies are in the folder or the base system")
    suffix = ".exe" if sys.platform == "win32" else ""
    run([sys.executable, str(ROOT / "scripts" / "smoke_test.py"),
         "--cli", str(folder / (cli_name() + suffix)),
         "--gui", str(folder / ("InvoiceDesk" + suffix))])  # fmt: skip
    if archive is not None and sys.platform.startswith("linux"):
        smoke_linux_install(archive)


def smoke_linux_install(archive: Path) -> None:
    """Unpack, install.sh into a scratch home, run the installed command, uninstall.sh."""
    with tempfile.TemporaryDirectory(prefix="invoicedesk-install-") as scratch:
        home = Path(scratch) / "home"
        home.mkdir()
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="tar")
        unpacked = next(Path(scratch).glob("InvoiceDesk-*"))
        env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share")}
        run(["sh", str(unpacked / "install.sh")], env=env)
        desktop = home / ".local/share/applications" / f"{APP_ID}.desktop"
        exec_line = next(
            line for line in desktop.read_text().splitlines() if line.startswith("Exec=")
        )
        installed = home / ".local/opt/InvoiceDesk/InvoiceDesk"
        assert exec_line == f'Exec="{installed}"', exec_line
        assert (home / f".local/share/icons/hicolor/256x256/apps/{APP_ID}.png").is_file()
        if shutil.which("desktop-file-validate"):
            run(["desktop-file-validate", str(desktop)])
        output = subprocess.run(
            [str(home / ".local/bin/invoicedesk"), "--version"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert output.strip() == f"invoicedesk {version()}", output
        run(["sh", str(unpacked / "uninstall.sh")], env=env)
        assert not installed.exists() and not desktop.exists()
        print("install.sh and uninstall.sh: ok")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "release"), help="where the package goes")
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="PyInstaller's dist folder")
    parser.add_argument("--work", default=str(ROOT / "build"), help="PyInstaller's work folder")
    parser.add_argument("--smoke", action="store_true", help="smoke-test what was built")
    args = parser.parse_args()
    dist, out = Path(args.dist).resolve(), Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    folder = build_folder(dist, Path(args.work).resolve())
    if sys.platform.startswith("linux"):
        package = pack_linux(folder, out)
    elif sys.platform == "win32":
        package = pack_windows(folder, out)
    elif sys.platform == "darwin":
        package = pack_macos(dist, out)
    else:
        raise SystemExit(f"no package recipe for {sys.platform}")

    size, packed = folder_size(folder), package.stat().st_size
    print(f"\n{'what':<34}{'size':>10}{'target':>10}")
    print(f"{'one-folder app ' + folder.name:<34}{size / MB:>8.1f} MB{FOLDER_TARGET_MB:>7} MB")
    print(f"{package.name:<34}{packed / MB:>8.1f} MB{PACKAGE_TARGET_MB:>7} MB")
    if args.smoke:
        smoke(folder, package)
    print(f"\nbuilt {package}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
