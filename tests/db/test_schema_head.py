"""The fast start-up check must name the newest migration, or upgrades would be skipped."""

from invoicedesk.db.engine import SCHEMA_HEAD, Database, open_database, stored_revision
from invoicedesk.db.migrate import head_revision


def test_schema_head_constant_is_the_newest_migration(tmp_path):
    db = Database(str(tmp_path / "head.sqlite"))
    try:
        assert head_revision(db) == SCHEMA_HEAD
    finally:
        db.dispose()


def test_new_file_is_migrated_and_records_the_head(tmp_path):
    path = tmp_path / "fresh.sqlite"
    db = Database(str(path))
    assert stored_revision(db) is None
    db.dispose()
    db = open_database(str(path))
    try:
        assert stored_revision(db) == SCHEMA_HEAD
    finally:
        db.dispose()
