"""Every module under invoicedesk/ imports: nothing is loaded by name, so a broken import
is a failure here and in the frozen app's analysis, never a silent placeholder."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import invoicedesk

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(invoicedesk.__path__, "invoicedesk.")
    if ".migrations" not in info.name  # Alembic runs those scripts itself
)


def test_the_walk_finds_every_layer():
    layers = {name.split(".")[1] for name in MODULES}
    assert {"cli", "core", "db", "pdf", "services", "ui", "logs", "assets"} <= layers
    assert len(MODULES) > 150


@pytest.mark.parametrize("name", MODULES)
def test_module_imports(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__name__ == name


def test_no_module_is_loaded_by_name():
    """Loading by name hides modules from PyInstaller (the screens once went missing so)."""
    offenders = []
    for name in MODULES:
        source = importlib.import_module(name).__file__
        assert source is not None
        text = Path(source).read_text(encoding="utf-8")
        if "import_module(" in text or "__import__(" in text:
            offenders.append(name)
    assert not offenders


def test_front_ends_call_use_cases_only():
    """ui and cli hold the books as a handle (services.books) and call use cases: they
    import nothing from invoicedesk.db, and no service function that takes a Session (the
    repository helpers are the services' own business)."""
    import ast
    import inspect

    offenders = []
    for name in MODULES:
        if not name.startswith(("invoicedesk.ui", "invoicedesk.cli")):
            continue
        source = importlib.import_module(name).__file__
        assert source is not None
        for node in ast.walk(ast.parse(Path(source).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            if node.module.startswith("invoicedesk.db"):
                offenders.append(f"{name} imports {node.module}")
            elif node.module.startswith("invoicedesk.services"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    member = getattr(module, alias.name, None)
                    if not inspect.isfunction(member):
                        continue
                    first = next(iter(inspect.signature(member).parameters.values()), None)
                    if first is not None and "Session" in str(first.annotation):
                        offenders.append(f"{name} calls {node.module}.{alias.name}(session)")
    assert offenders == []
