"""Products and services that invoice lines can be filled from."""


import datetime as dt
from decimal import Decimal

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from invoicedesk.db.models.base import Base, TimestampMixin
from invoicedesk.db.types import ExactDecimal, UTCDateTime


class Product(TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused (audit log)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(30), default="")
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    price_basis: Mapped[str] = mapped_column(String(5), default="net")
    tax_rate: Mapped[Decimal] = mapped_column(ExactDecimal())
    tax_category: Mapped[str] = mapped_column(String(2), default="S")
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
