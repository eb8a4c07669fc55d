"""Postal address lines in the order the destination country's post expects.

Most of Europe writes "zip city" (DE, AT, CH, FR, IT, ...); the US, Canada and
Australia write "City, REGION ZIP"; the UK puts the town and the postcode on lines of
their own. The country line is added only when the recipient lives in another country
than the sender, named in the document language (UPU: in capitals, last line).
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

from invoicedesk.pdf.model import PostalAddress

_CITY_REGION_ZIP = frozenset({"US", "CA", "AU"})
_CITY_THEN_ZIP = frozenset({"GB", "IE"})

# How readily a line may be left out when the address does not fit the window, the
# highest first. The name, street, postcode and city and the country line (ESSENTIAL)
# are never left out: without them the letter does not arrive.
ESSENTIAL = 0
REGION = 1  # a region or county on a line of its own
STREET2 = 2
RECIPIENT = 3  # the extra line, e.g. a department
ATTN = 4  # "Attn. Jane Doe"


def address_lines(
    name: str,
    address: PostalAddress | None,
    *,
    sender_country: str = "",
    language: str = "en",
    attn: str = "",
) -> list[str]:
    """The lines of a window-envelope address: name, extra lines, street, place, country.

    ``attn`` is an extra line such as "Attn. Jane Doe". Empty parts are left out.
    """
    return [
        text
        for text, _ in ranked_address_lines(
            name, address, sender_country=sender_country, language=language, attn=attn
        )
    ]


def ranked_address_lines(
    name: str,
    address: PostalAddress | None,
    *,
    sender_country: str = "",
    language: str = "en",
    attn: str = "",
) -> list[tuple[str, int]]:
    """:func:`address_lines`, each with its rank: ``ESSENTIAL`` (0) for the lines that
    must print, higher for the ones to leave out first when the window is too small."""
    lines = [(name.strip(), ESSENTIAL)]
    if address is None:
        lines.append((attn.strip(), ATTN))
        return [(text, rank) for text, rank in lines if text]
    lines += [
        (address.recipient.strip(), RECIPIENT),
        (attn.strip(), ATTN),
        (address.street.strip(), ESSENTIAL),
        (address.street2.strip(), STREET2),
    ]
    lines += _ranked_place_lines(address)
    country = address.country.strip().upper()
    if country and country != sender_country.strip().upper():
        lines.append((country_name(country, language).upper(), ESSENTIAL))
    return [(text, rank) for text, rank in lines if text]


def place_lines(address: PostalAddress) -> list[str]:
    """Postcode, city and region as the country writes them."""
    return [text for text, _ in _ranked_place_lines(address)]


def _ranked_place_lines(address: PostalAddress) -> list[tuple[str, int]]:
    country = address.country.strip().upper()
    zip_code, city, region = address.zip.strip(), address.city.strip(), address.region.strip()
    if country in _CITY_REGION_ZIP:
        tail = " ".join(part for part in (region, zip_code) if part)
        return [(", ".join(part for part in (city, tail) if part), ESSENTIAL)]
    if country in _CITY_THEN_ZIP:
        return [(city.upper(), ESSENTIAL), (region, REGION), (zip_code, ESSENTIAL)]
    place = " ".join(part for part in (zip_code, city) if part)
    if region and country not in ("DE", "AT", "CH"):
        return [(place, ESSENTIAL), (region, REGION)]
    return [(place, ESSENTIAL)]


def one_line(name: str, address: PostalAddress | None) -> str:
    """The sender line above the window: "Name · Street · 12345 City"."""
    parts = [name.strip()]
    if address is not None:
        parts += [address.street.strip(), *place_lines(address)]
    return " · ".join(part for part in parts if part)


@lru_cache(maxsize=512)
def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` ("DE" → "Germany" / "Deutschland"); the code
    itself when Babel does not know it."""
    try:
        locale = Locale.parse(language if language in ("en", "de") else "en")
    except ValueError:  # pragma: no cover - both are known locales
        return code
    return str(locale.territories.get(code, code))
