"""The EPC QR code (GiroCode), decoded from the rendered page by zbarimg."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from invoicedesk.pdf.model import DocumentKind
from invoicedesk.pdf.render import render_pdf
from tests.pdf.builders import SELLER, document, pdf_input, pdf_words, qr_payloads


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
