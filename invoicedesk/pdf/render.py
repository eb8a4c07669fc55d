"""``render_pdf(PdfInput) -> bytes``: the invoice, credit note or cancellation as a PDF.

Page one carries the letterhead, the window address and the info block (drawn on the
canvas, see ``page``); the body flows below: title, intro, the line table (``table``),
the totals, the legal notes per tax category, payment terms with the EPC QR code, and
the note. Later pages get a running header. Every page has the footer and
"Page X of Y"; drafts a watermark.
"""

from __future__ import annotations

import io

from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.doctemplate import LayoutError

from invoicedesk.core.document import TaxCategory
from invoicedesk.core.errors import DomainError
from invoicedesk.core.kinds import DocumentKind
from invoicedesk.pdf.address import country_name, one_line, ranked_address_lines
from invoicedesk.pdf.blocks import TotalsBlock, total_rows
from invoicedesk.pdf.epc_qr import epc_qr_for
from invoicedesk.pdf.labels import (
    NOTE_MARKS,
    Formatter,
    document_title,
    label,
    language_index,
    reference_key,
    reference_title,
    tax_note,
)
from invoicedesk.pdf.layout import Geometry, geometry_for
from invoicedesk.pdf.lines import line_table
from invoicedesk.pdf.logo import logo_image
from invoicedesk.pdf.model import LANGUAGES, PdfInput
from invoicedesk.pdf.page import (
    PageContent,
    draw_first_page,
    draw_later_page,
    first_body_top,
    numbered_canvas,
    page_number_drawer,
)
from invoicedesk.pdf.templates import MUTED, Theme, theme_for
from invoicedesk.pdf.text import clean, markup

__all__ = ["PdfLayoutError", "render_pdf", "title_of"]


class PdfLayoutError(DomainError):
    """A part of the document cannot be placed on any page (ReportLab's LayoutError),
    said in words a user can act on."""

    default_code = "pdf_layout"


def render_pdf(pdf: PdfInput) -> bytes:
    """The PDF for ``pdf``. Pure: reads nothing but the fonts and writes nothing."""
    theme = theme_for(pdf.options)
    geo = geometry_for(pdf.options.paper)
    fmt = Formatter(pdf.locale, pdf.totals.currency)
    language = LANGUAGES[language_index(pdf.language)]
    title = title_of(pdf, fmt)
    content = _page_content(pdf, fmt, title)

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(geo.width, geo.height),
        title=title,
        author=clean(pdf.seller.name),
        subject=f"{title} – {clean(pdf.buyer.name)}",
        creator="InvoiceDesk",
        lang=language,
        leftMargin=geo.left,
        rightMargin=geo.right,
        topMargin=geo.body_top_later,
        bottomMargin=geo.body_bottom,
        initialFontName=theme.fonts.regular,  # else Helvetica lands in the resources
    )
    later_height = geo.height - geo.body_top_later - geo.body_bottom
    doc.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[_frame(geo, first_body_top(geo, theme, content.info), "first")],
                onPage=lambda canvas, _doc: draw_first_page(canvas, geo, theme, content),
                autoNextPageTemplate="later",
            ),
            PageTemplate(
                id="later",
                frames=[_frame(geo, geo.body_top_later, "later")],
                onPage=lambda canvas, _doc: draw_later_page(canvas, geo, theme, content),
            ),
        ]
    )
    story = _story(pdf, theme, fmt, geo, title, later_height)
    drawer = page_number_drawer(geo, theme, content.page_label)
    try:
        doc.build(story, canvasmaker=numbered_canvas(drawer))
    except LayoutError as exc:  # its message names Python objects: "<TotalsBlock at 0x…>"
        raise PdfLayoutError(
            "the PDF could not be laid out: a part of the document does not fit on a page "
            "even when broken up — shorten the longest texts (descriptions, notes, reasons)",
            "pdf",
        ) from exc
    return buffer.getvalue()


def title_of(pdf: PdfInput, fmt: Formatter | None = None) -> str:
    """The document's heading: the user's title, or e.g. "Invoice RE-2026-0042",
    "Credit note CN-2026-0003 for invoice RE-2026-0042 of 3 Mar 2026"."""
    if pdf.title.strip():
        return clean(pdf.title).strip()
    language = pdf.language
    number = pdf.number or label("draft", language)
    if pdf.kind is not DocumentKind.INVOICE and pdf.reference_number:
        fmt = fmt or Formatter(pdf.locale, pdf.totals.currency)
        return reference_title(
            pdf.kind,
            language,
            number,
            pdf.reference_number,
            fmt.date(pdf.reference_date),
            pdf.reference_kind,
        )
    return f"{document_title(pdf.kind, language)} {number}"


def _frame(geo: Geometry, top: float, ident: str) -> Frame:
    height = geo.height - top - geo.body_bottom
    return Frame(
        geo.left,
        geo.body_bottom,
        geo.body_width,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=ident,
    )


def _page_content(pdf: PdfInput, fmt: Formatter, title: str) -> PageContent:
    language = pdf.language
    lang = LANGUAGES[language_index(language)]
    seller, buyer = pdf.seller, pdf.buyer
    seller_country = seller.address.country
    attn = f"{label('attn', language)} {buyer.contact.strip()}" if buyer.contact.strip() else ""
    recipient = ranked_address_lines(
        buyer.name, buyer.address, sender_country=seller_country, language=lang, attn=attn
    )
    info = _info_rows(pdf, fmt)
    address = seller.address
    place = " ".join(p for p in (address.zip.strip(), address.city.strip()) if p)
    letterhead = " · ".join(
        p for p in (address.street, place, seller.phone, seller.email, seller.website) if p.strip()
    )
    country = country_name(address.country, lang) if address.country else ""
    footer = [
        [seller.name, address.street, address.street2, place, country],
        [
            _pair(label("phone", language), seller.phone),
            _pair(label("email", language), seller.email),
            seller.website,
            _pair(label("managing_director", language), seller.managing_director),
        ],
        [
            seller.bank_name,
            _pair(label("iban", language), _iban(seller.iban)),
            _pair(label("bic", language), seller.bic),
            _pair(label("account_holder", language), seller.account_holder)
            if seller.account_holder and seller.account_holder != seller.name
            else "",
        ],
        [
            _pair(label("vat_id", language), seller.vat_id),
            _pair(label("tax_number", language), seller.tax_number),
            seller.registration,
        ],
    ]
    running = (
        title if len(title) < 60 else f"{document_title(pdf.kind, language)} {pdf.number or ''}"
    )
    return PageContent(
        seller_name=clean(seller.name),
        letterhead_line=clean(letterhead),
        sender_line=one_line(seller.name, seller.address),
        recipient=recipient,
        info=info,
        running_title=running.strip(),
        footer=footer,
        page_label=label("page", language),
        watermark=None if pdf.number else label("watermark", language),
        logo=logo_image(pdf.options.logo)
        if pdf.options.logo and not pdf.options.print_version
        else None,
    )


def _info_rows(pdf: PdfInput, fmt: Formatter) -> list[tuple[str, str]]:
    language = pdf.language
    rows: list[tuple[str, str]] = []
    if pdf.kind is not DocumentKind.CANCELLATION:
        # A cancellation notice has no number of its own; the reference row below names
        # the document it cancels (a "cancellation no." would suggest a second document).
        rows.append(
            (label(f"number.{pdf.kind.value}", language), pdf.number or label("draft", language))
        )
    if pdf.date:
        rows.append((label("date", language), fmt.date(pdf.date)))
    if pdf.reference_number and pdf.kind is not DocumentKind.INVOICE:
        reference = pdf.reference_number
        if pdf.reference_date:
            reference += f" ({fmt.date(pdf.reference_date)})"
        rows.append((label(reference_key("reference", pdf.reference_kind), language), reference))
    kind = "service" if pdf.supply_type == "service" else "delivery"
    if pdf.supply_date and pdf.supply_end_date and pdf.supply_end_date != pdf.supply_date:
        period = f"{fmt.date(pdf.supply_date)} – {fmt.date(pdf.supply_end_date)}"
        rows.append((label(f"period.{kind}", language), period))
    elif pdf.supply_date:
        rows.append((label(f"date.{kind}", language), fmt.date(pdf.supply_date)))
    if pdf.due_date and pdf.kind is DocumentKind.INVOICE:
        rows.append((label("due_date", language), fmt.date(pdf.due_date)))
    if pdf.buyer.customer_number.strip():
        rows.append((label("customer_number", language), pdf.buyer.customer_number))
    if pdf.buyer.vat_id.strip():
        rows.append((label("buyer_vat_id", language), pdf.buyer.vat_id))
    if pdf.contact.strip():
        rows.append((label("contact", language), pdf.contact))
    return [(text, clean(value)) for text, value in rows]


def _story(
    pdf: PdfInput, theme: Theme, fmt: Formatter, geo: Geometry, title: str, page_height: float
) -> list[Flowable]:
    styles = theme.styles
    language = pdf.language
    story: list[Flowable] = [Paragraph(markup(title), styles["title"])]
    if pdf.title.strip() and pdf.kind is not DocumentKind.INVOICE and pdf.reference_number:
        reference = reference_title(
            pdf.kind,
            language,
            pdf.number or label("draft", language),
            pdf.reference_number,
            fmt.date(pdf.reference_date),
            pdf.reference_kind,
        )
        story.append(Paragraph(markup(reference), styles["subtitle"]))
    story.append(Spacer(1, 8))
    if pdf.intro.strip():
        story += [Paragraph(markup(pdf.intro), styles["intro"]), Spacer(1, 10)]
    markers = note_markers(pdf)
    story.append(line_table(pdf, theme, fmt, geo.body_width, page_height, markers))
    story.append(Spacer(1, 8))
    qr = epc_qr_for(pdf)
    caption = label("qr_caption", language)
    width = min(geo.body_width, 270)
    totals = TotalsBlock(total_rows(pdf, fmt), theme, width, qr, caption, page_height)
    tail: list[Flowable] = [totals, Spacer(1, 12)]
    for note in _tax_notes(pdf, markers):
        tail += [Paragraph(markup(note), styles["legal"]), Spacer(1, 3)]
    if sum(part.wrap(geo.body_width, page_height)[1] for part in tail) <= page_height:
        story.append(KeepTogether(tail))  # on the next page whole if it must move
    else:
        story += tail  # taller than a page: it starts under the table and splits
    story.append(Spacer(1, 8))
    story.append(KeepTogether(_payment(pdf, theme, fmt)))
    if pdf.note.strip():
        story += [Spacer(1, 12), Paragraph(markup(pdf.note), styles["note"])]
    return story


def note_markers(pdf: PdfInput) -> dict[TaxCategory, str]:
    """A superscript number per tax category that needs a legal note, in the order the
    notes print; the VAT column marks each line with its note's number."""
    present = {tax.category for tax in pdf.totals.taxes}
    present |= {line.tax_category for line in pdf.totals.lines}
    noted = [c for c in TaxCategory if c in present and tax_note(c, pdf.language)]
    return {category: NOTE_MARKS[i % len(NOTE_MARKS)] for i, category in enumerate(noted)}


def _tax_notes(pdf: PdfInput, markers: dict[TaxCategory, str]) -> list[str]:
    return [f"{mark}\u2009{tax_note(category, pdf.language)}" for category, mark in markers.items()]


def _payment(pdf: PdfInput, theme: Theme, fmt: Formatter) -> list[Flowable]:
    styles = theme.styles
    language = pdf.language
    t = pdf.totals
    seller = pdf.seller
    texts: list[str] = []
    if pdf.kind is DocumentKind.CANCELLATION:
        reference = pdf.reference_number or pdf.number or ""
        text = label(reference_key("cancellation_text", pdf.reference_kind), language)
        texts.append(text.format(number=reference))
    elif pdf.kind is DocumentKind.CREDIT_NOTE:
        if t.due:
            texts.append(label("credit_refund", language).format(amount=fmt.money(abs(t.due))))
    elif t.due <= 0:
        texts.append(label("nothing_due", language))
    else:
        if pdf.due_date:
            texts.append(
                label("pay_by", language).format(
                    amount=fmt.money(t.due), date=fmt.date(pdf.due_date)
                )
            )
        else:
            texts.append(label("pay_now", language).format(amount=fmt.money(t.due)))
        cash = t.cash_discount
        if cash is not None and cash.amount:
            values = {
                "rate": fmt.percent(cash.rate),
                "amount": fmt.money(cash.amount),
                "payable": fmt.money(cash.payable),
                "days": cash.days,
            }
            if cash.last_date:
                texts.append(
                    label("cash_discount", language).format(date=fmt.date(cash.last_date), **values)
                )
            else:
                texts.append(label("cash_discount.nodate", language).format(**values))
    paragraphs: list[Flowable] = [Paragraph(markup(text), styles["body"]) for text in texts]
    if pdf.kind is DocumentKind.INVOICE and t.due > 0 and seller.iban.strip():
        first = [
            (label("iban", language), _iban(seller.iban)),
            (label("bic", language), seller.bic),
            (label("bank", language), seller.bank_name),
        ]
        second = [(label("account_holder", language), seller.account_holder or seller.name)]
        if pdf.number:
            second.append((label("payment_reference", language), pdf.number))
        lines = "<br/>".join(
            " · ".join(
                f'<font color="#{MUTED.hexval()[2:]}">{markup(name)}:</font> {markup(value)}'
                for name, value in group
                if value.strip()
            )
            for group in (first, second)
        )
        paragraphs += [Spacer(1, 3), Paragraph(lines, styles["small"])]
    return paragraphs


def _pair(name: str, value: str) -> str:
    value = (value or "").strip()
    return f"{name}: {value}" if value else ""


def _iban(iban: str) -> str:
    compact = "".join((iban or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
