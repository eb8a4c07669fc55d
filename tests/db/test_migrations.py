"""The migrations: they build exactly the models' schema, form one chain, and upgrade safely."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import inspect

from invoicedesk.db import migrate
from invoicedesk.db.engine import SCHEMA_HEAD, Database, open_database
from invoicedesk.db.models import Base, load_all
from invoicedesk.db.search_index import is_search_table
from invoicedesk.services import clients
from tests.factories import client_input

load_all()  # every table in Base.metadata (the models load when first used)

# One more revision on top of the real head, for the upgrade tests: adds a column.
TEST_REVISION = "9000"
REVISION_TEST = f'''
"""test: add clients.nickname"""

import sqlalchemy as sa
from alembic import op


revision = "{TEST_REVISION}"
down_revision = "{SCHEMA_HEAD}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch_op:
        batch_op.drop_column("nickname")
'''


def _scripts(database: Database) -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config(database))


def _sqlite_tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_migrations_build_every_model_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    extra = {name for name in tables - set(Base.metadata.tables) if not is_search_table(name)}
    assert extra == {"alembic_version"}
    assert "invoice_search" in tables  # the search box's FTS5 index


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_object": include_object,
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "models changed without a migration: run alembic revision --autogenerate"


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and is_search_table(name))


def test_revision_chain_is_linear_with_one_head(db: Database) -> None:
    scripts = _scripts(db)
    assert len(scripts.get_heads()) == 1
    assert len(scripts.get_bases()) == 1
    revisions = list(scripts.walk_revisions())  # head first
    for newer, older in zip(revisions, revisions[1:], strict=False):
        assert newer.down_revision == older.revision
    assert revisions[-1].down_revision is None
    assert all(not revision.is_merge_point for revision in revisions)


def test_database_is_at_head_after_opening(db: Database) -> None:
    assert migrate.current_revision(db) == migrate.head_revision(db) == SCHEMA_HEAD


def test_up_to_date_database_is_not_upgraded_or_backed_up(db: Database, tmp_path: Path) -> None:
    assert migrate.upgrade_database(db) is None
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == []


def test_new_database_gets_no_backup(tmp_path: Path) -> None:
    database = Database(str(tmp_path / "new.sqlite"))
    try:
        assert migrate.current_revision(database) is None
        assert migrate.upgrade_database(database) is None
        assert migrate.current_revision(database) == SCHEMA_HEAD
        assert not list(tmp_path.glob("*.bak"))
    finally:
        database.dispose()


def test_downgrade_to_base_and_upgrade_again(db: Database) -> None:
    config = migrate.alembic_config(db)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    assert migrate.current_revision(db) is None

    assert migrate.upgrade_database(db) is None  # revision None: nothing to back up
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


@pytest.fixture
def pending_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the migrations with one more revision, used by ``upgrade_database``."""
    directory = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, directory, ignore=shutil.ignore_patterns("__pycache__"))
    (directory / "versions" / f"{TEST_REVISION}_test_nickname.py").write_text(
        textwrap.dedent(REVISION_TEST), encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", directory)
    return directory


def test_pending_migration_backs_the_file_up_first(tmp_path: Path, pending_migration: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = open_database(str(path), upgrade=False)
    try:
        with old.engine.begin() as connection:
            config = migrate.alembic_config(old)
            config.set_main_option("script_location", str(pending_migration))
            config.attributes["connection"] = connection
            command.upgrade(config, SCHEMA_HEAD)  # an installation of the previous version
        clients.create_client(old, client_input("Kept GmbH"))
        assert migrate.current_revision(old) == SCHEMA_HEAD

        backup = migrate.upgrade_database(old)

        assert backup == tmp_path / f"old.sqlite.before-{TEST_REVISION}.bak"
        assert migrate.current_revision(old) == TEST_REVISION
        assert "nickname" in {c["name"] for c in inspect(old.engine).get_columns("clients")}
    finally:
        old.dispose()
    # The backup is a complete, readable copy of the database before the upgrade.
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SCHEMA_HEAD,)
        ]
        assert copy.execute("SELECT name FROM clients").fetchall() == [("Kept GmbH",)]
        columns = {row[1] for row in copy.execute("PRAGMA table_info(clients)")}
    assert "nickname" not in columns
    assert set(Base.metadata.tables) <= _sqlite_tables(backup)
    # The upgraded database kept its data.
    with closing(sqlite3.connect(path)) as upgraded:
        assert upgraded.execute("SELECT name, nickname FROM clients").fetchall() == [
            ("Kept GmbH", None)
        ]


def test_upgrade_runs_on_open_and_then_is_a_no_op(tmp_path: Path, pending_migration: Path) -> None:
    path = tmp_path / "db.sqlite"
    first = open_database(str(path))
    try:
        assert migrate.current_revision(first) == TEST_REVISION
        assert migrate.upgrade_database(first) is None
    finally:
        first.dispose()
    assert not list(tmp_path.glob("*.bak"))


def test_database_from_a_newer_version_is_refused_readably(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    open_database(str(path)).dispose()
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
        connection.commit()
    with pytest.raises(Exception, match="newer") as error:
        open_database(str(path)).dispose()
    assert not isinstance(error.value, CommandError)
    assert not list(tmp_path.glob("*.bak"))


def test_later_migrations_keep_the_search_triggers_on_invoices(tmp_path: Path) -> None:
    """0002 and 0003 add columns to ``invoices`` with ALTER TABLE: a batch copy of the
    table would have dropped the triggers that keep the search index current."""
    from tests.factories import issued_invoice, line, make_client

    path = tmp_path / "v1.sqlite"
    old = open_database(str(path), upgrade=False)
    try:
        with old.engine.begin() as connection:
            config = migrate.alembic_config(old)
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        migrate.upgrade_database(old)
        assert migrate.current_revision(old) == SCHEMA_HEAD
        triggers = {
            name
            for (name,) in old.engine.connect().exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        assert {"invoice_search_insert", "invoice_search_update"} <= triggers
        client = make_client(old, "Neu GmbH")
        issued_invoice(old, line(name="Searchable widget"), client_id=client.id)
        with old.engine.connect() as connection:
            hits = connection.exec_driver_sql(
                "SELECT count(*) FROM invoice_search WHERE text LIKE '%Neu GmbH%'"
            ).scalar()
        assert hits == 1
    finally:
        old.dispose()
