"""Column types that keep money exact on every backend.

SQLite has no exact decimal type: SQLAlchemy's ``Numeric`` goes through float
there. We store amounts as 64-bit integers in fixed ten-thousandths, so values
and SQL ``SUM``s stay exact and sortable, and read them back as ``Decimal``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect, String
from sqlalchemy.types import TypeDecorator

SCALE = 10_000  # four decimal places: unit prices and quantities need them, amounts use two
SCALE_DIGITS = 4


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal with up to four decimals, stored as an integer number of 1/10,000."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be Decimal, not float")
        number = Decimal(value)
        scaled = number * SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{number} has more than four decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, float):  # AVG() and similar return floats; refuse silently wrong money
            raise TypeError("an aggregate returned a float; sum money, do not average it")
        return Decimal(int(value)) / SCALE


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps, stored as ISO text (sortable, readable)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return str(value.astimezone(dt.UTC).isoformat(timespec="microseconds"))

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return dt.datetime.fromisoformat(value)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
