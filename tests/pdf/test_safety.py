"""User text is text: markup prints literally, nothing is fetched, odd characters and
scripts print, controls do not break the document."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from invoicedesk.core.document import LineItem
from invoicedesk.pdf.model import Buyer, PostalAddress
from invoicedesk.pdf.render import render_pdf
from invoicedesk.pdf.text import markup
from tests.pdf.builders import D, document, pdf_input, pdf_words


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP port on 127.0.0.1 that records whether anybody connected."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    server.close()


def _connected(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def test_markup_in_user_text_prints_literally_and_fetches_nothing(
    listener: socket.socket,
) -> None:
    port = listener.getsockname()[1]
    image = f'<img src="http://127.0.0.1:{port}/x.png"/>'
    fixed_image = '<img src="http://127.0.0.1:9/x.png"/>'
    lines = (
        LineItem(
            quantity=D(1),
            unit_price=D("10.00"),
            tax_rate=D(19),
            name="<b>Bold</b> & Co",
            description=f"Tom &amp; Jerry {image}",
            unit="<i>",
            product_number="A&B<1>",
        ),
    )
    buyer = Buyer(
        name="Smith & <Sons>",
        address=PostalAddress(street='<font size="40">Big</font> Road 1', zip="1", city="X"),
        customer_number="<br/>",
    )
    pdf = pdf_input(
        document(lines=lines),
        buyer=buyer,
        intro=f"Intro with {fixed_image} and <para>",
        note="Note: 5 < 6 & 7 > 3\nsecond line <u>x</u>",
        title="Invoice <b>42</b> & more",
    )
    words = pdf_words(render_pdf(pdf))
    for literal in (
        "<b>Bold</b> & Co",
        "Tom &amp; Jerry",
        image,
        fixed_image,
        "<para>",
        "Smith & <Sons>",
        '<font size="40">Big</font> Road 1',
        "<br/>",
        "A&B<1>",
        "Note: 5 < 6 & 7 > 3 second line <u>x</u>",
        "Invoice <b>42</b> & more",
    ):
        assert literal in words, literal
    assert not _connected(listener)


def test_markup_escapes_and_keeps_line_breaks() -> None:
    assert markup('a & <b>\r\nc"\x00\x0bd\te') == 'a &amp; &lt;b&gt;<br/>c"d e'


def test_names_in_greek_cyrillic_polish_and_czech_print() -> None:
    names = {
        "buyer": "Ελληνική Εταιρεία Α.Ε.",
        "contact": "Иван Петрович Сидоров",
        "street": "ul. Zażółć Gęślą Jaźń 5",
        "city": "Łódź",
        "line": "Příliš žluťoučký kůň úpěl ďábelské ódy",
    }
    buyer = Buyer(
        name=names["buyer"],
        address=PostalAddress(
            street=names["street"], zip="90-001", city=names["city"], country="PL"
        ),
        contact=names["contact"],
    )
    lines = (LineItem(quantity=D(1), unit_price=D("5.00"), tax_rate=D(19), name=names["line"]),)
    words = pdf_words(render_pdf(pdf_input(document(lines=lines), buyer=buyer)))
    for text in names.values():
        assert text in words, text
    assert "90-001 Łódź" in words
    assert "POLAND" in words  # another country than the seller's: named, in capitals


def test_control_characters_and_empty_fields_do_not_break_rendering() -> None:
    lines = (
        LineItem(quantity=D(1), unit_price=D("5.00"), tax_rate=D(19), name="A\x00B\x1fC\u0085"),
        LineItem(quantity=D(1), unit_price=D("5.00"), tax_rate=D(19), name=""),
    )
    buyer = Buyer(name="Nobody", address=None)
    words = pdf_words(render_pdf(pdf_input(document(lines=lines), buyer=buyer, note="", intro="")))
    assert "ABC" in words and "Nobody" in words
