"""mail: outbox delivery columns, mail templates, invoices.sent_at/sent_to

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:10:00

Columns are added with plain ALTER TABLE ADD COLUMN (no batch copy): copying
``invoices`` would drop the triggers that keep the search index current.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import invoicedesk.db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outgoing_mail", sa.Column("sender", sa.String(300), nullable=False, server_default=""))
    op.add_column("outgoing_mail", sa.Column("eml", sa.LargeBinary(), nullable=True))
    op.add_column("outgoing_mail", sa.Column("size", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("outgoing_mail", sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "outgoing_mail",
        sa.Column("next_attempt_at", invoicedesk.db.types.UTCDateTime(length=32), nullable=True),
    )
    op.add_column(
        "outgoing_mail",
        sa.Column("last_attempt_at", invoicedesk.db.types.UTCDateTime(length=32), nullable=True),
    )
    op.add_column("outgoing_mail", sa.Column("server_reply", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "outgoing_mail", sa.Column("claimed_by", sa.String(100), nullable=False, server_default="")
    )
    op.create_index("ix_outgoing_mail_status_next", "outgoing_mail", ["status", "next_attempt_at"])

    op.add_column("invoices", sa.Column("sent_at", invoicedesk.db.types.UTCDateTime(length=32), nullable=True))
    op.add_column("invoices", sa.Column("sent_to", sa.Text(), nullable=False, server_default=""))

    op.create_table(
        "mail_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("doc_type", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_templates")),
        sa.UniqueConstraint("name", "language", name=op.f("uq_mail_templates_name_language")),
    )


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+), not a batch copy: copying ``invoices`` trips
    # over the search triggers that name it.
    op.drop_table("mail_templates")
    op.execute("ALTER TABLE invoices DROP COLUMN sent_to")
    op.execute("ALTER TABLE invoices DROP COLUMN sent_at")
    op.drop_index("ix_outgoing_mail_status_next", table_name="outgoing_mail")
    for column in (
        "claimed_by", "server_reply", "last_attempt_at", "next_attempt_at", "attempts", "size", "eml", "sender"
    ):
        op.execute(f"ALTER TABLE outgoing_mail DROP COLUMN {column}")
