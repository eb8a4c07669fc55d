"""Fixtures shared by every test package: a real SQLite file built by the migrations."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt widgets in later GUI tests must never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from invoicedesk.db.engine import Database  # noqa: E402
from tests.factories import TODAY, new_database  # noqa: E402


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh database file, migrated to head, with a company profile (EUR)."""
    database = new_database(tmp_path / "test.sqlite")
    yield database
    database.dispose()


@pytest.fixture
def today() -> dt.date:
    """The fixed "today" the services are given, so no test depends on the clock."""
    return TODAY
