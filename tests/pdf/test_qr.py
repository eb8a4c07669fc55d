"""The EPC QR code (GiroCode), decoded from the rendered page by zbarimg."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import segno
import segno.helpers

from invoicedesk.pdf.epc_qr import epc_payload
from invoicedesk.pdf.model import DocumentKind
from invoicedesk.pdf.render import render_pdf
from tests.pdf.builders import SELLER, D, document, pdf_input, pdf_words, qr_payloads


def test_invoice_qr_decodes_to_an_epc_transfer_of_the_amount_due(tmp_path: Path) -> None:
    pdf = pdf_input()
    payloads = qr_payloads(render_pdf(pdf), tmp_path)
    assert len(payloads) == 1
    lines = payloads[0].split("\n")
    assert lines[2] in {"1", "2"}  # character set: UTF-8, or ISO 8859-1 when that suffices
    assert lines[:2] + lines[3:7] == [
        "BCD",  # service tag
        "002",  # version
        "SCT",  # SEPA credit transfer
        "COBADEFFXXX",
        SELLER.name,
        "DE89370400440532013000",
    ]
    assert lines[7] == f"EUR{pdf.totals.due}"
    assert pdf.totals.due > 0 and str(pdf.totals.due) == "361.56"
    assert lines[8:10] == ["", ""]  # purpose, structured reference
    assert lines[10] == "RE-2026-0042"  # the text: the invoice number
    assert len(lines) == 11


def test_account_holder_is_the_beneficiary_when_given(tmp_path: Path) -> None:
    seller = dataclasses.replace(SELLER, account_holder="Erika Mustermann e.K.")
    payloads = qr_payloads(render_pdf(pdf_input(seller=seller)), tmp_path)
    assert payloads and payloads[0].split("\n")[5] == "Erika Mustermann e.K."


@pytest.mark.parametrize(
    "changes",
    [
        {"doc": document(currency="USD")},
        {"kind": DocumentKind.CREDIT_NOTE, "number": "CN-2026-0003"},
        {"kind": DocumentKind.CANCELLATION, "number": "ST-2026-0001"},
        {"number": None},  # draft
        {"options": {"show_qr": False}},
    ],
    ids=["usd", "credit-note", "cancellation", "draft", "switched-off"],
)
def test_no_qr_where_a_transfer_makes_no_sense(tmp_path: Path, changes: dict[str, Any]) -> None:
    content = render_pdf(pdf_input(**changes))
    assert qr_payloads(content, tmp_path) == []
    assert "Scan to pay" not in pdf_words(content)


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Muster Software\nGmbH"},
        {"account_holder": "Muster\r\nSoftware\t GmbH\x0b"},
        {"name": "Muster Software\u2028GmbH", "account_holder": " \n "},
    ],
    ids=["newline-in-name", "controls-in-account-holder", "blank-account-holder"],
)
def test_line_breaks_and_controls_in_the_name_do_not_shift_the_fields(
    tmp_path: Path, changes: dict[str, str]
) -> None:
    seller = dataclasses.replace(SELLER, **changes)
    payloads = qr_payloads(render_pdf(pdf_input(seller=seller)), tmp_path)
    assert len(payloads) == 1
    lines = payloads[0].split("\n")
    assert len(lines) == 11, lines
    assert lines[4:7] == ["COBADEFFXXX", "Muster Software GmbH", "DE89370400440532013000"]
    assert lines[10] == "RE-2026-0042"


def test_a_name_too_big_for_the_code_is_cut_to_fit(tmp_path: Path) -> None:
    # 70 characters, but 280 bytes in UTF-8: with the other fields over the 331 bytes
    # a version 13-M code holds.
    seller = dataclasses.replace(SELLER, name="\U0001f600" * 70)
    content = render_pdf(pdf_input(seller=seller))
    payloads = qr_payloads(content, tmp_path)
    assert len(payloads) == 1
    lines = payloads[0].split("\n")
    assert len(payloads[0].encode("utf-8")) <= 331
    assert lines[5] and set(lines[5]) == {"\U0001f600"}, lines[5]
    assert lines[6:8] == ["DE89370400440532013000", "EUR361.56"]
    assert lines[10] == "RE-2026-0042"


def test_bank_details_that_make_no_valid_code_leave_the_code_out(tmp_path: Path) -> None:
    seller = dataclasses.replace(SELLER, bic="COBA DE")  # 6 characters: segno refuses it
    content = render_pdf(pdf_input(seller=seller))
    assert qr_payloads(content, tmp_path) == []
    words = pdf_words(content)
    assert "Scan to pay" not in words
    assert "Amount due" in words and "IBAN: DE89 3704 0044 0532 0130 00" in words


@pytest.mark.parametrize(
    ("name", "charset"),
    [
        ("Muster Software GmbH", "2"),  # ISO 8859-1
        ("Bäckerei Müller e.K.", "2"),
        ("Łódź Usługi sp. z o.o.", "3"),  # ISO 8859-2
        ("Αθηναϊκή Εταιρεία ΑΕ", "6"),  # ISO 8859-7
        ("ООО Ромашка", "5"),  # ISO 8859-5
        ("Smile \U0001f600 Ltd", "1"),  # UTF-8
    ],
)
def test_the_payload_is_what_segnos_epc_helper_encodes(name: str, charset: str) -> None:
    # segno's make_epc_qr picks the mask itself; encoding our payload with the mask it
    # picked must give the very same symbol: same bytes, error level M, version.
    iban, bic = "DE89370400440532013000", "COBADEFFXXX"
    theirs = segno.helpers.make_epc_qr(
        name=name, iban=iban, amount=D("1234.50"), text="RE-1", bic=bic
    )
    payload = epc_payload(name, iban, "1234.50", "RE-1", bic)
    assert payload is not None and payload.split(b"\n")[2] == charset.encode()
    ours = segno.make(payload, error="m", boost_error=False, micro=False, mask=theirs.mask)
    assert ours.matrix == theirs.matrix
    assert (ours.version, ours.error) == (theirs.version, "M")


@pytest.mark.parametrize(
    ("bic", "amount", "text"),
    [("COBADEFFXX", "1.00", "RE-1"), ("", "0.00", "RE-1"), ("", "1.00", "x" * 141)],
    ids=["bic-of-ten", "nothing-due", "text-too-long"],
)
def test_data_the_standard_refuses_makes_no_payload(bic: str, amount: str, text: str) -> None:
    assert epc_payload("ACME", "DE89370400440532013000", amount, text, bic) is None


@pytest.mark.parametrize(
    ("number", "amount"),
    [("RE-2026-0001", "0.01"), ("2026/11/000123", "999999.99"), ("A-7", "48213.07")],
)
def test_codes_with_the_fixed_mask_scan(tmp_path: Path, number: str, amount: str) -> None:
    # Any of the eight masks is valid; a scanner reads the one we always use.
    doc = document(lines=(dataclasses.replace(document().lines[0], unit_price=D(amount)),))
    pdf = pdf_input(doc, number=number)
    payloads = qr_payloads(render_pdf(pdf), tmp_path)
    assert len(payloads) == 1
    lines = payloads[0].split("\n")
    assert lines[7] == f"EUR{pdf.totals.due}".rstrip("0").rstrip(".")
    assert lines[10] == number
