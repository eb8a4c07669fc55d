"""What a wheel ships: every package and every runtime file (pyproject.toml's lists).

A wheel that forgot ``resources/`` once installed fine and then could not print a PDF.
These checks fail when a new package or resource file is not in the lists; .ci/run then
builds the real wheel and smoke-tests it outside the checkout.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from invoicedesk.assets import resource, resource_file

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]


def _source_dir(package: str) -> Path:
    """Where ``package``'s files live in the checkout, following package-dir."""
    mapping: dict[str, str] = SETUPTOOLS["package-dir"]
    for prefix in sorted(mapping, key=len, reverse=True):
        if package == prefix or package.startswith(prefix + "."):
            rest = package[len(prefix) :].lstrip(".")
            return (
                ROOT / mapping[prefix] / Path(*rest.split(".")) if rest else ROOT / mapping[prefix]
            )
    return ROOT / Path(*package.split("."))


def _package_dirs() -> set[str]:
    """Every folder that holds a module or a runtime file, as a package name."""
    found = set()
    for base, name in (
        (ROOT / "invoicedesk", "invoicedesk"),
        (ROOT / "resources", "invoicedesk.resources"),
    ):
        for path in [base, *base.rglob("*")]:
            if (
                path.is_dir()
                and "__pycache__" not in path.parts
                and any(child.is_file() and child.suffix != ".pyc" for child in path.iterdir())
            ):
                relative = path.relative_to(base)
                found.add(".".join([name, *relative.parts]))
    return found


def test_every_package_is_listed():
    assert set(SETUPTOOLS["packages"]) == _package_dirs()


def test_every_runtime_file_is_package_data():
    """Files that are not modules reach the wheel only through a package-data pattern."""
    data: dict[str, list[str]] = SETUPTOOLS["package-data"]
    missing = []
    for package in SETUPTOOLS["packages"]:
        folder = _source_dir(package)
        for path in folder.iterdir():
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                patterns = data.get(package, []) + data.get("*", [])
                if not any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns):
                    missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"


def test_resources_are_read_through_the_package():
    font = resource("fonts", "NotoSans-Regular.ttf").read_bytes()
    assert font[:4] == b"\x00\x01\x00\x00"  # a TrueType font, not a pointer or an empty file
    assert resource("icons", "invoicedesk-256.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert resource("icons", "invoicedesk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert resource("icons", "invoicedesk.icns").read_bytes()[:4] == b"icns"
    desktop = resource("linux", "org.invoicedesk.InvoiceDesk.desktop").read_text("utf-8")
    assert "Icon=org.invoicedesk.InvoiceDesk" in desktop and "Exec=InvoiceDesk" in desktop


def test_a_missing_resource_says_which_file():
    try:
        with resource_file("fonts", "Nope.ttf"):
            raise AssertionError("no file expected")
    except FileNotFoundError as exc:
        assert "resources/fonts/Nope.ttf" in str(exc)


def test_the_spec_ships_the_resources_and_the_migrations():
    spec = (ROOT / "invoicedesk.spec").read_text("utf-8")
    assert '(str(ROOT / "resources"), "invoicedesk/resources")' in spec
    assert '"invoicedesk/db/migrations")' in spec
