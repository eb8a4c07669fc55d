"""invoices.adjustment_reason (what the adjustment is for), invoices.text_templates

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 18:40:00

A plain ALTER TABLE ADD COLUMN (no batch copy): copying ``invoices`` would drop the
triggers that keep the search index current.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "invoices",
        sa.Column("adjustment_reason", sa.String(200), nullable=False, server_default=""),
    )
    # Title, intro and note as written, with their placeholders, of an issued document whose
    # texts were filled in at issue (a clone starts from these again).
    op.add_column("invoices", sa.Column("text_templates", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+), not a batch copy (see 0002).
    op.execute("ALTER TABLE invoices DROP COLUMN text_templates")
    op.execute("ALTER TABLE invoices DROP COLUMN adjustment_reason")
