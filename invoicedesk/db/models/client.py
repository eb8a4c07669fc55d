"""Clients with their addresses, contact persons, extra e-mail addresses and tags."""


import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from invoicedesk.db.models.base import Base, TimestampMixin
from invoicedesk.db.types import UTCDateTime


def tag_key(name: str) -> str:
    """What makes two tags the same: the name with Unicode case folding ('Ärger' = 'ärger')."""
    return " ".join(name.split()).casefold()


def _key_default(context: Any) -> str:
    return tag_key(context.get_current_parameters()["name"])


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    # SQLite's NOCASE folds ASCII only, so the folded key is stored and kept unique.
    key: Mapped[str] = mapped_column(String(60), unique=True, default=_key_default)


client_tags = Table(
    "client_tags",
    Base.metadata,
    Column("client_id", ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Client(TimestampMixin, Base):
    __tablename__ = "clients"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused (audit log)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_number: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="organisation")
    name: Mapped[str] = mapped_column(String(200, collation="NOCASE"), index=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    vat_id: Mapped[str] = mapped_column(String(30), default="")
    due_days: Mapped[int | None] = mapped_column(Integer, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    language: Mapped[str] = mapped_column(String(8), default="en")
    notes: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)

    addresses: Mapped[list["ClientAddress"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ClientAddress.position"
    )
    contacts: Mapped[list["ContactPerson"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ContactPerson.position"
    )
    emails: Mapped[list["ClientEmail"]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ClientEmail.position"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=client_tags, order_by="Tag.name")


class ClientAddress(Base):
    __tablename__ = "client_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default="billing")
    recipient: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    street2: Mapped[str] = mapped_column(String(200), default="")
    zip: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="")

    client: Mapped[Client] = relationship(back_populates="addresses")


class ContactPerson(Base):
    __tablename__ = "contact_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    role: Mapped[str] = mapped_column(String(100), default="")

    client: Mapped[Client] = relationship(back_populates="contacts")


class ClientEmail(Base):
    """Further e-mail addresses of a client (the main one is ``Client.email``)."""

    __tablename__ = "client_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    email: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    client: Mapped[Client] = relationship(back_populates="emails")
