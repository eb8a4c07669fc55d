"""The handle on a set of books: whether they are new (the app's set-up wizard then runs)."""

from __future__ import annotations

from pathlib import Path

from invoicedesk.db.engine import Database
from invoicedesk.db.models import CompanyProfile
from invoicedesk.services.books import is_new, open_books
from invoicedesk.services.settings import is_configured
from tests.factories import make_client


def test_a_new_file_is_new_until_it_has_a_client(tmp_path: Path) -> None:
    db = open_books(str(tmp_path / "new.sqlite"))
    try:
        assert is_new(db)
        make_client(db)
        assert not is_new(db)
    finally:
        db.dispose()


def test_books_with_a_company_name_are_not_new(db: Database) -> None:
    assert is_configured(db) and not is_new(db)


def test_a_blank_company_name_counts_as_none(db: Database) -> None:
    with db.write() as session:
        profile = session.get(CompanyProfile, 1)
        assert profile is not None
        profile.name = " \t"
    assert not is_configured(db) and is_new(db)
