"""Payments: recording one for an invoice, and the list of all payments."""
