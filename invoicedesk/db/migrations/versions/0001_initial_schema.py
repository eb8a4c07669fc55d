"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 01:16:49.679697
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import invoicedesk.db.types


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Copied from invoicedesk/db/search_index.py when this revision was written (migrations stay frozen).
SEARCH_INDEX = [
    "CREATE VIRTUAL TABLE invoice_search USING fts5(text, tokenize = 'trigram')",
    "CREATE TRIGGER invoice_search_insert AFTER INSERT ON invoices BEGIN\n        INSERT INTO invoice_search(rowid, text) VALUES (new.id, coalesce(new.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = new.client_id), '') || ' ' || new.title || ' ' || new.label || ' ' || new.note);\n    END",
    "CREATE TRIGGER invoice_search_update\n        AFTER UPDATE OF number, client_id, title, label, note ON invoices BEGIN\n        DELETE FROM invoice_search WHERE rowid = old.id;\n        INSERT INTO invoice_search(rowid, text) VALUES (new.id, coalesce(new.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = new.client_id), '') || ' ' || new.title || ' ' || new.label || ' ' || new.note);\n    END",
    'CREATE TRIGGER invoice_search_delete AFTER DELETE ON invoices BEGIN\n        DELETE FROM invoice_search WHERE rowid = old.id;\n    END',
    "CREATE TRIGGER invoice_search_client AFTER UPDATE OF name, customer_number ON clients\n    BEGIN\n        DELETE FROM invoice_search WHERE rowid IN (SELECT id FROM invoices WHERE client_id = new.id);\n        INSERT INTO invoice_search(rowid, text)\n            SELECT i.id, coalesce(i.number, '') || ' ' || coalesce((SELECT name || ' ' || customer_number FROM clients WHERE id = i.client_id), '') || ' ' || i.title || ' ' || i.label || ' ' || i.note FROM invoices AS i WHERE i.client_id = new.id;\n    END",
]
SEARCH_INDEX_DROP = [
    'DROP TRIGGER IF EXISTS invoice_search_client',
    'DROP TRIGGER IF EXISTS invoice_search_delete',
    'DROP TRIGGER IF EXISTS invoice_search_update',
    'DROP TRIGGER IF EXISTS invoice_search_insert',
    'DROP TABLE IF EXISTS invoice_search',
]


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_number', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200, collation='NOCASE'), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('vat_id', sa.String(length=30), nullable=False),
    sa.Column('due_days', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('archived_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=True),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('updated_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients')),
    sa.UniqueConstraint('customer_number', name=op.f('uq_clients_customer_number')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clients_name'), ['name'], unique=False)

    op.create_table('company_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('zip', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('vat_id', sa.String(length=30), nullable=False),
    sa.Column('tax_number', sa.String(length=30), nullable=False),
    sa.Column('registration', sa.String(length=200), nullable=False),
    sa.Column('managing_director', sa.String(length=200), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('account_holder', sa.String(length=200), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('updated_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_profile'))
    )
    op.create_table('number_sequences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=30), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('next_value', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_number_sequences')),
    sa.UniqueConstraint('doc_type', 'period', name=op.f('uq_number_sequences_doc_type_period'))
    )
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200, collation='NOCASE'), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('unit_price', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('price_basis', sa.String(length=5), nullable=False),
    sa.Column('tax_rate', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('tax_category', sa.String(length=2), nullable=False),
    sa.Column('archived_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=True),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('updated_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('number', name=op.f('uq_products_number')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_name'), ['name'], unique=False)

    op.create_table('recurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interval', sa.String(length=20), nullable=False),
    sa.Column('next_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('updated_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurrences'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('key', name=op.f('uq_tags_key'))
    )
    op.create_table('client_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('street2', sa.String(length=200), nullable=False),
    sa.Column('zip', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_addresses_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_addresses'))
    )
    with op.batch_alter_table('client_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_addresses_client_id'), ['client_id'], unique=False)

    op.create_table('client_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_emails_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_emails'))
    )
    with op.batch_alter_table('client_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_emails_client_id'), ['client_id'], unique=False)

    op.create_table('client_tags',
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_tags_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_client_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', 'tag_id', name=op.f('pk_client_tags'))
    )
    with op.batch_alter_table('client_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('contact_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_contact_persons_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_persons'))
    )
    with op.batch_alter_table('contact_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_persons_client_id'), ['client_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=20), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('client_snapshot', sa.JSON(), nullable=True),
    sa.Column('company_snapshot', sa.JSON(), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('supply_date', sa.Date(), nullable=True),
    sa.Column('supply_end_date', sa.Date(), nullable=True),
    sa.Column('supply_type', sa.String(length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_days', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('exchange_rate', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('price_basis', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('discount_percent', invoicedesk.db.types.ExactDecimal(), nullable=True),
    sa.Column('discount_amount', invoicedesk.db.types.ExactDecimal(), nullable=True),
    sa.Column('prepaid', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('adjustment', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('cash_discount_rate', invoicedesk.db.types.ExactDecimal(), nullable=True),
    sa.Column('cash_discount_days', sa.Integer(), nullable=True),
    sa.Column('line_total', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('allowance_total', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('charge_total', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('net', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('tax', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('gross', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('amount_due', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('net_company', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('gross_company', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('paid_amount', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('open_amount', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('quote_id', sa.Integer(), nullable=True),
    sa.Column('recurrence_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=True),
    sa.Column('cancelled_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=True),
    sa.Column('paid_at', sa.Date(), nullable=True),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('updated_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.CheckConstraint("doc_type IN ('invoice','credit_note')", name=op.f('ck_invoices_doc_type')),
    sa.CheckConstraint("status = 'draft' OR number IS NOT NULL", name=op.f('ck_invoices_issued_has_number')),
    sa.CheckConstraint("status IN ('draft','open','part_paid','paid','cancelled')", name=op.f('ck_invoices_status')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_invoices_client_id_clients')),
    sa.ForeignKeyConstraint(['corrects_id'], ['invoices.id'], name=op.f('fk_invoices_corrects_id_invoices')),
    sa.ForeignKeyConstraint(['quote_id'], ['invoices.id'], name=op.f('fk_invoices_quote_id_invoices')),
    sa.ForeignKeyConstraint(['recurrence_id'], ['recurrences.id'], name=op.f('fk_invoices_recurrence_id_recurrences')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_client_id_date', ['client_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_doc_type'), ['doc_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoices_due_date'), ['due_date'], unique=False)
        batch_op.create_index('ix_invoices_gross', ['gross'], unique=False)
        batch_op.create_index('ix_invoices_net', ['net'], unique=False)
        batch_op.create_index('ix_invoices_open_amount', ['open_amount'], unique=False)
        batch_op.create_index('ix_invoices_report', ['client_id', 'date', 'status', 'doc_type', 'net_company', 'gross_company'], unique=False)
        batch_op.create_index('ix_invoices_status_date', ['status', 'date'], unique=False)
        batch_op.create_index('ix_invoices_status_due_date_doc_type', ['status', 'due_date', 'doc_type'], unique=False)

    op.create_table('invoice_allowances_charges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_charge', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('percent', invoicedesk.db.types.ExactDecimal(), nullable=True),
    sa.Column('amount', invoicedesk.db.types.ExactDecimal(), nullable=True),
    sa.Column('tax_rate', invoicedesk.db.types.ExactDecimal(), nullable=True),
    sa.Column('tax_category', sa.String(length=2), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_allowances_charges_invoice_id_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_allowances_charges'))
    )
    with op.batch_alter_table('invoice_allowances_charges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_allowances_charges_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('product_number', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('unit_price', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('discount_percent', invoicedesk.db.types.ExactDecimal(), nullable=True),
    sa.Column('discount_amount', invoicedesk.db.types.ExactDecimal(), nullable=True),
    sa.Column('tax_rate', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('tax_category', sa.String(length=2), nullable=False),
    sa.Column('net_amount', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_invoice_lines_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('ix_invoice_lines_product_id_invoice_id', ['product_id', 'invoice_id'], unique=False)

    op.create_table('invoice_tags',
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_tags_invoice_id_invoices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_invoice_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('invoice_id', 'tag_id', name=op.f('pk_invoice_tags'))
    )
    with op.batch_alter_table('invoice_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('invoice_taxes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=2), nullable=False),
    sa.Column('rate', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('base', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('amount', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_taxes_invoice_id_invoices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_taxes'))
    )
    with op.batch_alter_table('invoice_taxes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_taxes_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('is_overpayment', sa.Boolean(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('updated_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.ForeignKeyConstraint(['credit_note_id'], ['invoices.id'], name=op.f('fk_payments_credit_note_id_invoices')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payments_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('ix_payments_method_invoice_id', ['method', 'invoice_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('fee', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('interest', invoicedesk.db.types.ExactDecimal(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('updated_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_reminders_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('reminder_id', sa.Integer(), nullable=True),
    sa.Column('to_addrs', sa.Text(), nullable=False),
    sa.Column('cc_addrs', sa.Text(), nullable=False),
    sa.Column('bcc_addrs', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachment_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=False),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.Column('sent_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=True),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_outgoing_mail_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'], name=op.f('fk_outgoing_mail_reminder_id_reminders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('stored_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('reminder_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('template', sa.String(length=50), nullable=False),
    sa.Column('created_at', invoicedesk.db.types.UTCDateTime(length=32), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_stored_documents_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'], name=op.f('fk_stored_documents_reminder_id_reminders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_documents')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('stored_documents', schema=None) as batch_op:
        batch_op.create_index('ix_stored_documents_invoice_version', ['invoice_id', 'version'], unique=False)
    for statement in SEARCH_INDEX:  # the search box's FTS5 index, see db/search_index.py
        op.execute(statement)


def downgrade() -> None:
    for statement in SEARCH_INDEX_DROP:
        op.execute(statement)
    with op.batch_alter_table('stored_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_stored_documents_invoice_version')

    op.drop_table('stored_documents')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_invoice_id'))

    op.drop_table('outgoing_mail')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_invoice_id'))

    op.drop_table('reminders')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_method_invoice_id')
        batch_op.drop_index(batch_op.f('ix_payments_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_payments_date'))

    op.drop_table('payments')
    with op.batch_alter_table('invoice_taxes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_taxes_invoice_id'))

    op.drop_table('invoice_taxes')
    with op.batch_alter_table('invoice_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_tags_tag_id'))

    op.drop_table('invoice_tags')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_lines_product_id_invoice_id')
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoice_allowances_charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_allowances_charges_invoice_id'))

    op.drop_table('invoice_allowances_charges')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_status_due_date_doc_type')
        batch_op.drop_index('ix_invoices_status_date')
        batch_op.drop_index('ix_invoices_report')
        batch_op.drop_index('ix_invoices_open_amount')
        batch_op.drop_index('ix_invoices_net')
        batch_op.drop_index('ix_invoices_gross')
        batch_op.drop_index(batch_op.f('ix_invoices_due_date'))
        batch_op.drop_index(batch_op.f('ix_invoices_doc_type'))
        batch_op.drop_index(batch_op.f('ix_invoices_date'))
        batch_op.drop_index(batch_op.f('ix_invoices_corrects_id'))
        batch_op.drop_index('ix_invoices_client_id_date')

    op.drop_table('invoices')
    with op.batch_alter_table('contact_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_persons_client_id'))

    op.drop_table('contact_persons')
    with op.batch_alter_table('client_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_tags_tag_id'))

    op.drop_table('client_tags')
    with op.batch_alter_table('client_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_emails_client_id'))

    op.drop_table('client_emails')
    with op.batch_alter_table('client_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_addresses_client_id'))

    op.drop_table('client_addresses')
    op.drop_table('tags')
    op.drop_table('settings')
    op.drop_table('recurrences')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_name'))

    op.drop_table('products')
    op.drop_table('number_sequences')
    op.drop_table('company_profile')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clients_name'))

    op.drop_table('clients')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')
