"""Page geometry: where the window-envelope address, the info block and the body go.

All values are in points, measured from the **top left** of the page (as the
standards give them); ``Geometry.y()`` turns a distance from the top into ReportLab's
bottom-up coordinate.

A4 follows DIN 5008 form B: letterhead in the top 45 mm; the address field 20 mm from
the left and 45 mm from the top, 85 × 45 mm, of which the top 17.7 mm hold the return
(sender) line and the lower 27.3 mm the recipient; the info block at 125 mm from the
left, beside the field; fold marks at 105 mm and 210 mm and the hole mark at 148.5 mm;
the body from about 98 mm on page one. Text starts 25 mm from the left.

US Letter is folded in thirds for a #10 window envelope (4 1/8 × 9 1/2 in) whose
window is 4 1/2 × 1 1/8 in, 7/8 in from the left and 1/2 in from the bottom edge. The
folded letter sits at the bottom of the envelope, so the window shows the page from
2.04 in to 3.17 in from its top; keeping the 1/8 in clearance USPS asks for on every
side, the address goes 1 in from the left and 2 1/6 in from the top, at most 7/8 in
high and 4 1/4 in wide. No return line in the window: the letterhead carries it. The info
block starts right of the window (5 1/2 in) so none of it shows through the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch, mm

from invoicedesk.pdf.model import Paper


@dataclass(frozen=True, slots=True)
class Geometry:
    """One paper size's layout, in points from the top left."""

    width: float
    height: float
    left: float  # body text
    right: float  # right margin
    # letterhead (page one) and running header (later pages)
    letterhead_top: float
    letterhead_bottom: float
    # window address: the whole field, and the part the recipient lines use
    address_x: float
    address_top: float
    address_width: float
    address_height: float
    sender_line_bottom: float | None  # baseline area of the return line; None: none
    recipient_top: float
    recipient_height: float
    # info block beside the address
    info_x: float
    info_top: float
    # flowing body
    body_top_first: float
    body_top_later: float
    body_bottom: float  # distance of the body's lower edge from the page bottom
    footer_top: float  # distance of the footer's top from the page bottom
    fold_marks: tuple[float, ...]
    hole_mark: float | None

    @property
    def body_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def info_width(self) -> float:
        return self.width - self.right - self.info_x

    def y(self, from_top: float) -> float:
        """ReportLab's y for a distance from the top edge."""
        return self.height - from_top


A4_FORM_B = Geometry(
    width=A4[0],
    height=A4[1],
    left=25 * mm,
    right=20 * mm,
    letterhead_top=12 * mm,
    letterhead_bottom=40 * mm,
    address_x=20 * mm,
    address_top=45 * mm,
    address_width=85 * mm,
    address_height=45 * mm,
    sender_line_bottom=45 * mm + 17.7 * mm - 2 * mm,
    recipient_top=45 * mm + 17.7 * mm,
    recipient_height=27.3 * mm,
    info_x=125 * mm,
    info_top=50 * mm,
    body_top_first=98.5 * mm,
    body_top_later=30 * mm,
    body_bottom=30 * mm,
    footer_top=24 * mm,
    fold_marks=(105 * mm, 210 * mm),
    hole_mark=148.5 * mm,
)

LETTER_NO10 = Geometry(
    width=LETTER[0],
    height=LETTER[1],
    left=1 * inch,
    right=0.75 * inch,
    letterhead_top=0.5 * inch,
    letterhead_bottom=1.75 * inch,
    address_x=0.875 * inch,
    address_top=2.042 * inch,
    address_width=4.5 * inch,
    address_height=1.125 * inch,
    sender_line_bottom=None,
    recipient_top=2.042 * inch + 0.125 * inch,
    recipient_height=0.875 * inch,
    # Right of the window (which ends 5 3/8 in from the left) with 1/8 in to spare, so no
    # label of the info block shows through the envelope window.
    info_x=5.5 * inch,
    info_top=2.042 * inch,
    body_top_first=3.55 * inch,
    body_top_later=1.2 * inch,
    body_bottom=1.2 * inch,
    footer_top=0.95 * inch,
    # Letter folded in thirds; the US has no hole-punch convention on letters.
    fold_marks=(11 * inch / 3, 22 * inch / 3),
    hole_mark=None,
)


def geometry_for(paper: Paper) -> Geometry:
    return LETTER_NO10 if Paper(paper) is Paper.LETTER else A4_FORM_B
