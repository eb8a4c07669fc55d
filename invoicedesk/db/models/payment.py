"""Payments received and reminders sent."""


import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from invoicedesk.db.models import invoice as _fk_targets  # noqa: F401 - invoices
from invoicedesk.db.models.base import Base, TimestampMixin
from invoicedesk.db.types import ExactDecimal


class Payment(TimestampMixin, Base):
    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_method_invoice_id", "method", "invoice_id"),
        {"sqlite_autoincrement": True},  # ids are never reused (audit log)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    is_overpayment: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when a credit note settled this invoice: the credit note that did it.
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)


class Reminder(TimestampMixin, Base):
    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=1)
    date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    fee: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    interest: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
