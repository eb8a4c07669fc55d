"""Placeholders in a document's own texts: known ones are filled, anything else stays."""

from invoicedesk.core.placeholders import fill, has_placeholders

VALUES = {"invoice.number": "RE-2026-0042", "client.name": "Müller GmbH", "invoice.date": "1 Mar"}


def test_short_and_long_names_are_filled() -> None:
    assert fill("Invoice {number} for {client}", VALUES) == "Invoice RE-2026-0042 for Müller GmbH"
    assert fill("{invoice.number} / { date }", VALUES) == "RE-2026-0042 / 1 Mar"


def test_other_braces_stay_as_written() -> None:
    text = "Project {alpha} {numbr} {} {{number}}"
    assert fill(text, VALUES) == "Project {alpha} {numbr} {} {RE-2026-0042}"
    assert not has_placeholders("Project {alpha}")
    assert has_placeholders("Nr. {number}") and has_placeholders("{company}")
