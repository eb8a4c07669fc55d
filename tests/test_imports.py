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
