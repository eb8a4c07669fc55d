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
    lines = [name.strip()]
    if address is None:
        return [line for line in lines + [attn] if line]
    lines += [address.recipient.strip(), attn, address.street.strip(), address.street2.strip()]
    lines += place_lines(address)
    country = address.country.strip().upper()
    if country and country != sender_country.strip().upper():
        lines.append(country_name(country, language).upper())
    return [line for line in lines if line]


def place_lines(address: PostalAddress) -> list[str]:
    """Postcode, city and region as the country writes them."""
    country = address.country.strip().upper()
    zip_code, city, region = address.zip.strip(), address.city.strip(), address.region.strip()
    if country in _CITY_REGION_ZIP:
        tail = " ".join(part for part in (region, zip_code) if part)
        return [", ".join(part for part in (city, tail) if part)]
    if country in _CITY_THEN_ZIP:
        return [city.upper(), region, zip_code]
    place = " ".join(part for part in (zip_code, city) if part)
    return [place, region] if region and country not in ("DE", "AT", "CH") else [place]


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
