"""Invoices and credit notes with their lines, allowances/charges, tax breakdown and tags."""


import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from invoicedesk.db.models import product as _fk_targets  # noqa: F401 - products
from invoicedesk.db.models.base import Base, TimestampMixin
from invoicedesk.db.models.client import Client, Tag
from invoicedesk.db.types import ExactDecimal, UTCDateTime

invoice_tags = Table(
    "invoice_tags",
    Base.metadata,
    Column("invoice_id", ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Recurrence(TimestampMixin, Base):
    """A schedule that creates drafts from a template invoice (filled by a later feature)."""

    __tablename__ = "recurrences"

    id: Mapped[int] = mapped_column(primary_key=True)
    interval: Mapped[str] = mapped_column(String(20), default="monthly")
    next_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    end_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Invoice(TimestampMixin, Base):
    """An invoice or credit note. Totals are stored (frozen at issue) for fast lists and reports.

    ``status`` is the stored state (draft, open, part_paid, paid, cancelled);
    "overdue" is derived from it and ``due_date`` when read, so it is never stale.
    """

    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("status IN ('draft','open','part_paid','paid','cancelled')", name="status"),
        CheckConstraint("doc_type IN ('invoice','credit_note')", name="doc_type"),
        CheckConstraint("status = 'draft' OR number IS NOT NULL", name="issued_has_number"),
        # The list sorts and filters in SQL: one index per sortable column, so the first
        # page of 100,000 invoices stops after 100 rows instead of sorting them all.
        Index("ix_invoices_status_due_date_doc_type", "status", "due_date", "doc_type"),
        Index("ix_invoices_client_id_date", "client_id", "date"),
        Index("ix_invoices_status_date", "status", "date"),
        # The state sort: each stored status's invoices in id order, overdue told apart
        # from the index alone (services/search.py, _state_parts).
        Index("ix_invoices_status_id", "status", "id", "doc_type", "due_date"),
        Index("ix_invoices_net", "net"),
        Index("ix_invoices_gross", "gross"),
        Index("ix_invoices_open_amount", "open_amount"),
        # Covers the grouped reports (by client and period) without touching the rows.
        Index(
            "ix_invoices_report",
            "client_id",
            "date",
            "status",
            "doc_type",
            "net_company",
            "gross_company",
        ),
        # Never reuse the id of a deleted draft: the audit log and files refer to ids.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20), default="invoice", index=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True, default=None)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    # Frozen at issue: who the invoice was addressed to and who issued it.
    client_snapshot: Mapped[dict[str, object] | None] = mapped_column(JSON, default=None)
    company_snapshot: Mapped[dict[str, object] | None] = mapped_column(JSON, default=None)

    date: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    supply_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    supply_end_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    supply_type: Mapped[str] = mapped_column(String(20), default="delivery")
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    due_days: Mapped[int | None] = mapped_column(Integer, default=None)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    exchange_rate: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(1))
    price_basis: Mapped[str] = mapped_column(String(5), default="net")

    title: Mapped[str] = mapped_column(String(200), default="")
    label: Mapped[str] = mapped_column(String(200), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    discount_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal(), default=None)
    discount_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal(), default=None)
    prepaid: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    adjustment: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    # What the adjustment is for ("Rounding" when empty), printed beside it.
    adjustment_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Title/intro/note as written, placeholders and all, when issuing filled them in.
    text_templates: Mapped[dict[str, str] | None] = mapped_column(JSON, default=None)
    cash_discount_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal(), default=None)
    cash_discount_days: Mapped[int | None] = mapped_column(Integer, default=None)

    # Computed by the totals engine on every draft save; frozen when issued.
    line_total: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    allowance_total: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    charge_total: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    net: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    tax: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    gross: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    amount_due: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    # In the company currency (amount × exchange rate, rounded): what reports add up.
    net_company: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    gross_company: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    # Kept in step with the payments in the same transaction, for lists that sort by it.
    paid_amount: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    open_amount: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))

    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), default=None, index=True
    )
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    recurrence_id: Mapped[int | None] = mapped_column(ForeignKey("recurrences.id"), default=None)

    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The last time it went out by email, and to whom (comma-separated addresses).
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    sent_to: Mapped[str] = mapped_column(Text, default="")
    paid_at: Mapped[dt.date | None] = mapped_column(Date, default=None)

    client: Mapped[Client] = relationship()
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position"
    )
    allowances_charges: Mapped[list["InvoiceAllowanceCharge"]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        order_by="InvoiceAllowanceCharge.position",
    )
    taxes: Mapped[list["InvoiceTax"]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceTax.position"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=invoice_tags, order_by="Tag.name")
    corrects: Mapped["Invoice | None"] = relationship(remote_side=[id], foreign_keys=[corrects_id])


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (Index("ix_invoice_lines_product_id_invoice_id", "product_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    # Indexed with invoice_id (below) so "invoices with this product" is an index lookup.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), default=None)
    product_number: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    unit: Mapped[str] = mapped_column(String(30), default="")
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    discount_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal(), default=None)
    discount_amount: Mapped[Decimal | None] = mapped_column(ExactDecimal(), default=None)
    tax_rate: Mapped[Decimal] = mapped_column(ExactDecimal())
    tax_category: Mapped[str] = mapped_column(String(2), default="S")
    net_amount: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class InvoiceAllowanceCharge(Base):
    """A document-level allowance or charge (shipping, packaging, a special discount)."""

    __tablename__ = "invoice_allowances_charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    is_charge: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(200), default="")
    percent: Mapped[Decimal | None] = mapped_column(ExactDecimal(), default=None)
    amount: Mapped[Decimal | None] = mapped_column(ExactDecimal(), default=None)
    tax_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal(), default=None)
    tax_category: Mapped[str | None] = mapped_column(String(2), default=None)

    invoice: Mapped[Invoice] = relationship(back_populates="allowances_charges")


class InvoiceTax(Base):
    """One line of the frozen tax breakdown: base and tax of one (category, rate)."""

    __tablename__ = "invoice_taxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(2))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal())
    base: Mapped[Decimal] = mapped_column(ExactDecimal())
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())

    invoice: Mapped[Invoice] = relationship(back_populates="taxes")
