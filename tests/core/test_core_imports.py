"""invoicedesk.core and invoicedesk.pdf stay pure: no Qt, no SQLAlchemy, no upper layers.

The PDF renderer runs in worker processes and the command line: it must not drag Qt or the
database in, and it gets everything it prints handed over in a ``PdfInput``.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import invoicedesk.core
import invoicedesk.pdf

PURE_PACKAGES = {
    "invoicedesk.core": Path(invoicedesk.core.__file__).resolve().parent,
    "invoicedesk.pdf": Path(invoicedesk.pdf.__file__).resolve().parent,
}
# Top-level packages core must not import (directly or through another module).
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "sqlalchemy", "alembic")
# Upper layers of the app: they may use Qt or the database.
FORBIDDEN_APP = ("invoicedesk.ui", "invoicedesk.db", "invoicedesk.services", "invoicedesk.cli")


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _is_forbidden(module: str) -> bool:
    names = FORBIDDEN + FORBIDDEN_APP
    return any(module == name or module.startswith(name + ".") for name in names)


@pytest.mark.parametrize("package", sorted(PURE_PACKAGES))
def test_no_forbidden_import_statements(package: str) -> None:
    root = PURE_PACKAGES[package]
    files = sorted(root.rglob("*.py"))
    assert files, root
    offenders = [
        f"{path.relative_to(root.parent.parent)}:{line}: import {module}"
        for path in files
        for line, module in _imports(path)
        if _is_forbidden(module)
    ]
    assert not offenders, f"{package} must stay pure:\n" + "\n".join(offenders)


@pytest.mark.parametrize("package", sorted(PURE_PACKAGES))
def test_importing_every_module_loads_no_qt_or_database(package: str) -> None:
    """Catches indirect imports too: import the whole package in a fresh interpreter."""
    root = PURE_PACKAGES[package]
    modules = [info.name for info in pkgutil.walk_packages([str(root)], package + ".")]
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(result.stdout)
    bad = [name for name in loaded if _is_forbidden(name)]
    assert not bad, f"importing {package} loads {bad}"
