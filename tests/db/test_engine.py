"""The engine: SQLite pragmas, write/read transactions, exact money and timestamp columns."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, type_coerce
from sqlalchemy.exc import IntegrityError, StatementError

from invoicedesk.db.engine import Database, database_url
from invoicedesk.db.models import AuditEntry, Product, Setting
from invoicedesk.db.types import ExactDecimal

D = Decimal


def _product(price: Decimal | float, number: str = "P-1") -> Product:
    return Product(number=number, name="Thing", unit_price=price, tax_rate=D("19"))


def test_database_url_makes_paths_absolute_and_passes_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert database_url("books.sqlite") == f"sqlite:///{tmp_path / 'books.sqlite'}"
    assert database_url("sqlite://") == "sqlite://"
    assert database_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_path_of_file_and_memory_databases(db: Database, tmp_path: Path) -> None:
    assert db.path == tmp_path / "test.sqlite"
    memory = Database("sqlite://")
    try:
        assert memory.path is None
    finally:
        memory.dispose()


def test_wal_and_foreign_keys_are_on(db: Database) -> None:
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        # FULL (2): commits survive a power cut (issued numbers, the outbox's sending mark).
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), db.write() as session:
        session.execute(
            text(
                "INSERT INTO client_addresses (client_id, position, kind, recipient, street, "
                "street2, zip, city, region, country) VALUES (999, 0, 'billing', '', '', '', "
                "'', '', '', '')"
            )
        )


@pytest.mark.parametrize(
    "amount",
    [
        D("0.0001"),
        D("-0.0001"),
        D("-720.81"),
        D("999999999999.99"),
        D("-999999999999.9999"),
        D("0"),
        D("19"),
        D("1.10"),
    ],
)
def test_money_round_trips_exactly(db: Database, amount: Decimal) -> None:
    with db.write() as session:
        session.add(_product(amount))
    with db.read() as session:
        stored = session.scalar(select(Product.unit_price))
    assert isinstance(stored, Decimal)
    assert stored == amount


def test_money_is_stored_as_exact_ten_thousandths(db: Database) -> None:
    with db.write() as session:
        session.add(_product(D("-720.81")))
    with db.engine.connect() as connection:
        raw = connection.exec_driver_sql("SELECT unit_price, typeof(unit_price) FROM products")
        assert raw.one() == (-7208100, "integer")


def test_money_sums_stay_exact(db: Database) -> None:
    with db.write() as session:
        for i in range(10):
            session.add(_product(D("0.10"), number=f"P-{i}"))
    with db.engine.connect() as connection:
        total = connection.exec_driver_sql("SELECT SUM(unit_price) FROM products").scalar()
    assert D(total) / 10_000 == D("1")


def test_float_money_is_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="money must be Decimal, not float"):
        with db.write() as session:
            session.add(_product(0.1))
    with db.read() as session:
        assert session.scalar(select(Product.id)) is None


def test_more_than_four_decimals_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="more than four decimal places"):
        with db.write() as session:
            session.add(_product(D("0.00001")))


def test_aggregate_returning_float_is_refused(db: Database) -> None:
    with db.write() as session:
        session.add(_product(D("1.5")))
    with db.read() as session, pytest.raises(TypeError, match="do not average it"):
        session.scalar(select(type_coerce(func.avg(Product.unit_price), ExactDecimal())))


def test_timestamps_are_utc_and_naive_ones_refused(db: Database) -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    with db.write() as session:
        session.add(
            AuditEntry(
                entity="x", entity_id=1, action="a", at=dt.datetime(2026, 3, 16, 10, tzinfo=berlin)
            )
        )
    with db.read() as session:
        at = session.scalar(select(AuditEntry.at))
    assert at == dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC)
    assert at is not None and at.utcoffset() == dt.timedelta(0)
    with pytest.raises(StatementError, match="timezone-aware"), db.write() as session:
        session.add(AuditEntry(entity="x", entity_id=2, action="a", at=dt.datetime(2026, 1, 1)))


def test_write_commits(db: Database) -> None:
    with db.write() as session:
        session.add(Setting(key="k", value={"a": 1}))
    with db.read() as session:
        assert session.get(Setting, "k").value == {"a": 1}  # type: ignore[union-attr]


def test_write_rolls_back_everything_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        session.add(Setting(key="one", value=1))
        session.flush()
        session.add(Setting(key="two", value=2))
        session.flush()
        raise RuntimeError("boom")
    with db.read() as session:
        assert list(session.scalars(select(Setting.key))) == []


def test_read_never_commits(db: Database) -> None:
    with db.read() as session:
        session.add(Setting(key="sneaky", value=1))
        session.flush()
    with db.read() as session:
        assert session.get(Setting, "sneaky") is None


def _try_write_lock(path: Path) -> str:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return "free"
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


def test_write_takes_the_write_lock_up_front(db: Database) -> None:
    assert db.path is not None
    with db.write() as session:
        session.execute(text("SELECT 1"))  # a read only, yet the lock is held
        assert _try_write_lock(db.path) == "database is locked"
    assert _try_write_lock(db.path) == "free"


def test_read_does_not_block_writers(db: Database) -> None:
    assert db.path is not None
    with db.read() as session:
        session.execute(select(Setting.key)).all()
        assert _try_write_lock(db.path) == "free"
