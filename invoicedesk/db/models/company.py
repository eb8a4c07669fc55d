"""Company profile, key/value settings and number sequences."""


from sqlalchemy import JSON, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from invoicedesk.db.models.base import Base, TimestampMixin


class CompanyProfile(TimestampMixin, Base):
    """The business that issues the invoices. There is exactly one row (id 1)."""

    __tablename__ = "company_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    zip: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    vat_id: Mapped[str] = mapped_column(String(30), default="")
    tax_number: Mapped[str] = mapped_column(String(30), default="")
    registration: Mapped[str] = mapped_column(String(200), default="")  # court and register number
    managing_director: Mapped[str] = mapped_column(String(200), default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str] = mapped_column(String(34), default="")
    bic: Mapped[str] = mapped_column(String(11), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    language: Mapped[str] = mapped_column(String(8), default="en")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class Setting(Base):
    """One application setting; ``value`` is JSON (defaults live in the settings service)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class NumberSequence(Base):
    """The next number of one document type in one period ("" when numbers never reset).

    The row is read and advanced inside the issuing transaction, which holds
    the database's write lock, so two processes can never draw the same value.
    """

    __tablename__ = "number_sequences"
    __table_args__ = (UniqueConstraint("doc_type", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(10), default="")
    next_value: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str] = mapped_column(Text, default="")
