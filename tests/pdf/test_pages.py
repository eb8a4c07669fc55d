"""The page itself: paper sizes, window-envelope positions, embedded fonts, the logo and
the coloured parts of the templates, the print version."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from invoicedesk.pdf.model import Buyer, DocumentKind, Paper, PostalAddress, Template
from invoicedesk.pdf.render import render_pdf
from tests.pdf.builders import (
    BUYER,
    SELLER,
    Word,
    document,
    logo_png,
    many_lines,
    page_images,
    pdf_input,
    pdf_words,
)
from tests.pdf.builders import word_boxes as boxes_of

MM = 72 / 25.4
INCH = 72


def _images(resources: Any, seen: set[int] | None = None) -> int:
    """Image XObjects reachable from a resource dictionary (also inside form XObjects)."""
    seen = set() if seen is None else seen
    count = 0
    xobjects = resources.get("/XObject") if resources else None
    for reference in (xobjects or {}).values():
        key = reference.idnum if hasattr(reference, "idnum") else id(reference)
        if key in seen:
            continue
        seen.add(key)
        xobject = reference.get_object()
        if xobject.get("/Subtype") == "/Image":
            count += 1
        elif xobject.get("/Subtype") == "/Form":
            count += _images(xobject.get("/Resources"), seen)
    return count


def test_a4_and_letter_page_sizes() -> None:
    a4 = PdfReader(BytesIO(render_pdf(pdf_input())))
    letter = PdfReader(BytesIO(render_pdf(pdf_input(options={"paper": Paper.LETTER}))))
    assert [round(float(v)) for v in a4.pages[0].mediabox[2:]] == [595, 842]
    assert [round(float(v)) for v in letter.pages[0].mediabox[2:]] == [612, 792]


WINDOWS = {
    # DIN 5008 form B: the recipient part of the field, 20..105 mm × 62.7..90 mm.
    Paper.A4: (20 * MM, 62.7 * MM, 105 * MM, 90 * MM),
    # #10 envelope window on a letter folded in thirds: 7/8..5 3/8 in × 2.04..3.17 in.
    Paper.LETTER: (0.875 * INCH, 2.042 * INCH, 5.375 * INCH, 3.167 * INCH),
}


def _in_window(words: list[Word], texts: list[str], window: tuple[float, ...]) -> None:
    """Each of ``texts`` is a word on page one, inside ``window`` (left, top, right, bottom)."""
    left, top, right, bottom = window
    for text in texts:
        box = next((w for w in words if w.page == 0 and w.text == text), None)
        assert box is not None, f"{text!r} is not on the page"
        assert left <= box.x0 and box.x1 <= right, (text, box)
        assert top <= box.y0 and box.y1 <= bottom, (text, box)


@pytest.mark.parametrize(("paper", "window"), list(WINDOWS.items()))
def test_recipient_address_sits_in_the_envelope_window(
    paper: Paper, window: tuple[float, float, float, float]
) -> None:
    content = render_pdf(pdf_input(options={"paper": paper}))
    _, words = boxes_of(content)
    left, top, right, bottom = window
    address = ["Nordwind", "Buchhaltung", "Kowalski", "Hafen", "20457", "Hamburg"]
    _in_window(words, address, window)
    # On A4 the sender's return line sits above the recipient, inside the field; on
    # Letter the window shows the recipient only (the letterhead carries the sender).
    returns = [
        w.text
        for w in words
        if w.page == 0
        and w.x1 <= right
        and w.y0 >= (45 * MM if paper is Paper.A4 else top)
        and w.y1 <= (62.7 * MM if paper is Paper.A4 else bottom)
    ]
    if paper is Paper.A4:
        assert returns[:5] == ["Muster", "Software", "GmbH", "·", "Hauptstraße"], returns
    else:
        assert "Muster" not in returns and "Nordwind" in returns


US_SELLER = dataclasses.replace(
    SELLER,
    address=PostalAddress(
        street="1 Main St", zip="10001", city="New York", region="NY", country="US"
    ),
)
LONG_NAME = (
    "The Worshipful Company of International Merchants, Importers and Exporters "
    "of Fine Teas, Coffees and Spices of the City of London Ltd"
)
# The lines that may be left out, in the order they go: Attn., the extra recipient
# line, street2, the county.
OPTIONAL = ["Attn.", "Payable", "Whitehall", "Greater"]


@pytest.mark.parametrize(
    "name",
    ["Albion Trading Ltd", LONG_NAME, "Gesellschaft " + "sehr " * 55 + "mbH"],
    ids=["short", "long", "300-characters"],
)
@pytest.mark.parametrize("paper", [Paper.A4, Paper.LETTER], ids=["A4", "Letter"])
def test_a_full_address_keeps_street_postcode_city_and_country_in_the_window(
    paper: Paper, name: str
) -> None:
    buyer = Buyer(
        name=name,
        address=PostalAddress(
            recipient="Accounts Payable",
            street="10 Downing Street",
            street2="Whitehall Gardens",
            zip="SW1A 1AA",
            city="London",
            region="Greater London",
            country="GB",
        ),
        contact="Jane Smith",
    )
    seller = US_SELLER if paper is Paper.LETTER else SELLER
    content = render_pdf(pdf_input(buyer=buyer, seller=seller, options={"paper": paper}))
    _, words = boxes_of(content)
    window = WINDOWS[paper]
    first = name.split()[0]
    _in_window(words, [first, "Downing", "LONDON", "SW1A", "1AA", "UNITED", "KINGDOM"], window)
    printed = [text for text in OPTIONAL if any(w.page == 0 and w.text == text for w in words)]
    _in_window(words, printed, window)
    # Whatever was left out went in order: the least important lines first.
    assert printed == OPTIONAL[len(OPTIONAL) - len(printed) :], printed
    if paper is Paper.LETTER or len(name) > 100:
        assert "Attn." not in printed  # these do not fit whole at 7 pt
    # Nothing of the address lies below the window, above the title.
    left, top, right, bottom = window
    title = min(w.y0 for w in words if w.page == 0 and w.text == "RE-2026-0042" and w.y0 > bottom)
    below = [w for w in words if w.page == 0 and w.x1 <= right and bottom < w.y1 < title]
    assert not below, below


@pytest.mark.parametrize("paper", [Paper.A4, Paper.LETTER], ids=["A4", "Letter"])
def test_a_long_address_line_stops_short_of_the_info_block(paper: Paper) -> None:
    buyer = Buyer(
        name=LONG_NAME,
        address=PostalAddress(street="10 Downing Street", zip="SW1A 1AA", city="London"),
    )
    content = render_pdf(pdf_input(buyer=buyer, seller=US_SELLER, options={"paper": paper}))
    _, words = boxes_of(content)
    info_left = next(w.x0 for w in words if w.page == 0 and w.text == "Invoice")
    top, bottom = WINDOWS[paper][1], WINDOWS[paper][3]
    beside = [w for w in words if w.page == 0 and top <= w.y0 and w.y1 <= bottom]
    address = [w for w in beside if w.x0 < info_left - 1]
    assert any(w.text == "Worshipful" for w in address)
    overlapping = [w for w in address if w.x1 > info_left - 4]
    assert not overlapping, overlapping


def _title_top(words: list[Word]) -> float:
    """The top of the document's title on page one (the tallest text below the window)."""
    return min(w.y0 for w in words if w.page == 0 and w.y1 - w.y0 > 14 and w.y0 > 60 * MM)


@pytest.mark.parametrize("kind", [DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE])
@pytest.mark.parametrize("paper", [Paper.A4, Paper.LETTER], ids=["A4", "Letter"])
def test_the_info_block_prints_every_row_and_the_body_starts_below_it(
    paper: Paper, kind: DocumentKind
) -> None:
    contact = "Erika Mustermann-Schulze, Accounts Receivable, +49 30 123456"
    assert len(contact) == 60  # the longest contact the settings accept
    buyer = dataclasses.replace(
        BUYER, customer_number="KD-2026-" + "7" * 22, vat_id="DE" + "1" * 28
    )
    credit = kind is DocumentKind.CREDIT_NOTE
    pdf = pdf_input(
        kind=kind,
        number="CN-2026-0002" if credit else "RE-2026-0042",
        reference_number="RE-2026-0042" if credit else None,
        reference_date=dt.date(2026, 3, 3) if credit else None,
        supply_date=dt.date(2026, 2, 1),
        supply_end_date=dt.date(2026, 2, 28),
        supply_type="service",
        buyer=buyer,
        contact=contact,
        options={"paper": paper},
    )
    content = render_pdf(pdf)
    _, words = boxes_of(content)
    info_x = next(w.x0 for w in words if w.page == 0 and w.text == "Date")
    info = [w for w in words if w.page == 0 and w.x0 >= info_x - 1 and w.y0 < _title_top(words)]
    text = " ".join(w.text for w in info)
    labels = ["Date", "Service period", "Customer no.", "Your VAT ID", "Contact"]
    labels += ["Credit note no.", "Invoice"] if credit else ["Invoice no.", "Due date"]
    for label in labels:
        assert label in text, label
    for value in [*contact.split(), "1 Feb 2026", "28 Feb 2026"]:
        assert value in text, value
    compact = text.replace(" ", "")  # long numbers wrap inside the word
    assert buyer.customer_number in compact and buyer.vat_id in compact
    # The body starts below the block: nothing of it runs into the title.
    assert max(w.y1 for w in info) < _title_top(words) - 4


@pytest.mark.parametrize("paper", [Paper.A4, Paper.LETTER], ids=["A4", "Letter"])
def test_an_ordinary_info_block_leaves_the_body_where_it_was(paper: Paper) -> None:
    _, words = boxes_of(render_pdf(pdf_input(options={"paper": paper})))
    body_top = (98.5 * MM) if paper is Paper.A4 else (3.55 * INCH)
    assert abs(_title_top(words) - body_top) < 2


def test_fonts_are_embedded_subsets_of_the_noto_families() -> None:
    for family, stem in (("Noto Sans", "NotoSans"), ("Noto Serif", "NotoSerif")):
        content = render_pdf(pdf_input(options={"font_family": family}))
        reader = PdfReader(BytesIO(content))
        names = set()
        for page in reader.pages:
            fonts = page["/Resources"]["/Font"]
            for reference in fonts.values():
                font = reference.get_object()
                names.add(str(font["/BaseFont"]))
                assert font["/Subtype"] == "/TrueType", font
                descriptor = font["/FontDescriptor"].get_object()
                assert isinstance(descriptor, DictionaryObject)
                assert "/FontFile2" in descriptor, font["/BaseFont"]
        assert names and all(stem in name for name in names), names
        assert any(name.endswith("-Bold") for name in names)


def _font_programs(content: bytes) -> dict[str, bytes]:
    fonts = PdfReader(BytesIO(content)).pages[0]["/Resources"]["/Font"]
    programs = {}
    for reference in fonts.values():
        font = reference.get_object()
        descriptor = font["/FontDescriptor"].get_object()
        programs[str(font["/BaseFont"])] = descriptor["/FontFile2"].get_object().get_data()
    return programs


def test_kept_font_subsets_serve_only_documents_with_the_same_characters() -> None:
    # Subsets are kept between documents: a document with other characters gets its own,
    # the same document again gets the same font programs and shows the same text.
    first = render_pdf(pdf_input())
    other_buyer = dataclasses.replace(BUYER, name="Ωmega Żółw Ärzte Qvist")
    other = render_pdf(pdf_input(buyer=other_buyer))
    again = render_pdf(pdf_input())
    assert _font_programs(again) == _font_programs(first)
    assert _font_programs(other) != _font_programs(first)
    assert pdf_words(again) == pdf_words(first)
    assert "Ωmega Żółw Ärzte Qvist" in pdf_words(other)


def test_logo_is_an_image_except_in_the_print_version() -> None:
    logo = logo_png()
    normal_pdf = PdfReader(BytesIO(render_pdf(pdf_input(options={"logo": logo}))))
    print_pdf = PdfReader(
        BytesIO(render_pdf(pdf_input(options={"logo": logo, "print_version": True})))
    )
    plain_pdf = PdfReader(BytesIO(render_pdf(pdf_input())))
    assert _images(normal_pdf.pages[0]["/Resources"]) == 1
    assert _images(print_pdf.pages[0]["/Resources"]) == 0
    assert _images(plain_pdf.pages[0]["/Resources"]) == 0


def _logo_xobject(content: bytes) -> Any:
    xobjects = PdfReader(BytesIO(content)).pages[0]["/Resources"]["/XObject"]
    images = [x.get_object() for x in xobjects.values()]
    images = [x for x in images if x.get("/Subtype") == "/Image"]
    assert len(images) == 1
    return images[0]


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_every_document_carries_the_logos_pixels_and_transparency(kind: str) -> None:
    # The logo is encoded once per process and copied into each document: the second
    # and third documents must hold the same pixels (and soft mask) as the first.
    image = Image.new("RGBA" if kind == "PNG" else "RGB", (40, 20), (200, 30, 30, 255))
    for x in range(20, 40):
        for y in range(20):
            image.putpixel((x, y), (10, 120, 60, 0) if kind == "PNG" else (10, 120, 60))
    buffer = BytesIO()
    image.save(buffer, kind)
    logo = buffer.getvalue()
    for number in ("RE-1", "RE-2", "RE-3"):
        xobject = _logo_xobject(render_pdf(pdf_input(number=number, options={"logo": logo})))
        assert (xobject["/Width"], xobject["/Height"]) == (40, 20)
        if kind == "JPEG":
            assert xobject["/Filter"] == ["/DCTDecode"] and "/SMask" not in xobject
            continue
        pixels = xobject.get_data()
        assert pixels[:3] == bytes((200, 30, 30)) and pixels[60:63] == bytes((10, 120, 60))
        alpha = xobject["/SMask"].get_object().get_data()
        assert alpha == (bytes([255] * 20) + bytes(20)) * 20


def test_a_broken_logo_is_left_out() -> None:
    reader = PdfReader(BytesIO(render_pdf(pdf_input(options={"logo": b"not an image"}))))
    assert _images(reader.pages[0]["/Resources"]) == 0


def _pixel(image: Path, x_mm: float, y_mm: float) -> tuple[int, int, int]:
    with Image.open(image) as page:
        scale = page.width / 210
        rgb = page.convert("RGB").getpixel((int(x_mm * scale), int(y_mm * scale)))
    assert isinstance(rgb, tuple)
    return rgb[0], rgb[1], rgb[2]


def _table_header_y(content: bytes) -> float:
    _, words = boxes_of(content)
    box = next(w for w in words if w.page == 0 and w.text == "Description")
    return box.y0 / MM - 0.4  # above the text, inside the header row's padding


def test_modern_uses_the_accent_for_band_and_table_header_the_print_version_does_not(
    tmp_path: Path,
) -> None:
    accent = "#0B7A75"
    expected = (0x0B, 0x7A, 0x75)
    modern = render_pdf(pdf_input(options={"template": Template.MODERN, "accent_color": accent}))
    printed = render_pdf(
        pdf_input(
            options={"template": Template.MODERN, "accent_color": accent, "print_version": True}
        )
    )
    classic = render_pdf(pdf_input(options={"accent_color": accent}))
    for content, coloured in ((modern, True), (printed, False), (classic, False)):
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        image = page_images(content, folder, resolution=100)[0]
        header_y = _table_header_y(content)
        for x_mm, y_mm in ((100, 1), (60, header_y)):  # the band; the table header
            rgb = _pixel(image, x_mm, y_mm)
            close = all(abs(a - b) <= 12 for a, b in zip(rgb, expected, strict=True))
            assert close == coloured, (x_mm, y_mm, rgb)
            if not coloured:
                assert min(rgb) >= 235, (x_mm, y_mm, rgb)  # white: no coloured background


def test_later_pages_have_the_running_header_and_the_footer() -> None:
    content = render_pdf(pdf_input(document(lines=many_lines(80))))
    _, words = boxes_of(content)
    pages = max(w.page for w in words) + 1
    assert pages >= 2
    for page in range(pages):
        on_page = [w for w in words if w.page == page]
        assert any(w.text == "DE123456789" for w in on_page)  # footer: seller's VAT id
        assert any(w.text == "Muster" and w.y0 < 30 * MM for w in on_page)  # header
