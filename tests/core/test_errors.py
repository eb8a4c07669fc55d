"""Domain errors: a template with parameters, rendered in the language of the moment."""

from __future__ import annotations

import pickle

from invoicedesk.core.errors import ConflictError, DomainError, NotFoundError
from invoicedesk.i18n import set_language


def test_the_message_is_the_template_with_its_parameters_and_names_the_field():
    exc = DomainError("the rate {rate} is not allowed", "lines[2].tax_rate", params={"rate": "16"})
    assert exc.message == "the rate 16 is not allowed"
    assert str(exc) == "lines[2].tax_rate: the rate 16 is not allowed"
    assert (exc.code, exc.field, exc.params) == ("invalid", "lines[2].tax_rate", {"rate": "16"})


def test_codes_name_the_kind_unless_the_raise_site_names_a_precise_one():
    assert NotFoundError("no such client").code == "not_found"
    assert ConflictError("already issued").code == "conflict"
    assert DomainError("bad IBAN", "iban", code="iban_checksum").code == "iban_checksum"


def test_the_message_is_translated_when_read_not_when_raised():
    exc = DomainError("the default tax rate must be one of the tax rates", "default_tax_rate")
    try:
        set_language("de")
        assert exc.message == "der Standardsatz muss einer der Steuersätze sein"
    finally:
        set_language("en")
    assert exc.message == "the default tax rate must be one of the tax rates"


def test_it_survives_a_trip_to_another_process_whole():
    exc = NotFoundError("invoice {number} not found", "invoice", code="gone",
                        params={"number": "RE-7"})  # fmt: skip
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is NotFoundError
    assert (back.message, back.field, back.code) == ("invoice RE-7 not found", "invoice", "gone")
