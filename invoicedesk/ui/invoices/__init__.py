"""The invoices page: the lazy invoice list, its filter bar, state badges and actions."""
