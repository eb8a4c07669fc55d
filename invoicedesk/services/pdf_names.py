"""File names of PDFs: the user's pattern, checked when saved, filled in and made safe.

A pattern such as ``{type}_{number}`` names every PDF the app writes or offers to
save. The result must be a valid file name on Windows, macOS and Linux alike, since
files travel between them (mail attachments, shared folders, USB sticks).
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from dataclasses import dataclass

from invoicedesk.core.errors import DomainError

DEFAULT_FILENAME_PATTERN = "{type}_{number}"
PLACEHOLDERS = ("type", "number", "client", "customer_number", "date", "year")
MAX_PATTERN = 200
MAX_STEM = 150  # characters before ".pdf"
# Most file systems allow 255 bytes per name; leave room for " (12)" and ".pdf".
MAX_STEM_BYTES = 240
FALLBACK_STEM = "document"

# Forbidden on Windows (and ":" on macOS, "/" everywhere), plus control characters.
_UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
# Names Windows reserves for devices, with any extension ("CON.pdf" cannot be created).
# Windows device names, also with an extension and with blanks before it ("NUL .txt").
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *(\..*)?")
_TRIM = " ._-"  # left over at the ends when a placeholder is empty (a draft has no date)


@dataclass(frozen=True, slots=True)
class NameFields:
    """What a file name pattern can show about one document."""

    type: str  # the document's title in its language: "Invoice", "Rechnung", "Credit note"
    number: str  # the document number; drafts: "Draft-<id>"
    client: str = ""
    customer_number: str = ""
    date: dt.date | None = None


def validate_filename_pattern(pattern: str, field: str = "settings.pdf_filename_pattern") -> str:
    """``pattern`` with surrounding blanks removed, or a DomainError naming ``field``
    when it is empty, malformed or uses an unknown placeholder."""
    if not isinstance(pattern, str):
        raise DomainError("expected text", field)
    text = pattern.strip()
    if not text:
        raise DomainError("a file name pattern is required, e.g. {type}_{number}", field)
    if len(text) > MAX_PATTERN:
        raise DomainError(
            "the pattern is too long (at most {max_pattern} characters)",
            field,
            params={"max_pattern": MAX_PATTERN},
        )
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise DomainError(
            "'{text}' is not a valid pattern (braces must enclose a placeholder: {known})",
            field,
            params={"text": text, "known": known},
        ) from None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise DomainError(
                "unknown placeholder {{{name}}} (use {known})",
                field,
                params={"name": name, "known": known},
            )
        if spec or conversion:
            raise DomainError(
                "placeholder {{{name}}} takes no format (write {{{name}}} alone)",
                field,
                params={"name": name},
            )
    return text


def sanitize_stem(text: str) -> str:
    """``text`` as a file name (without extension) valid on Windows, macOS and Linux."""
    text = unicodedata.normalize("NFC", text)
    # Invisible format characters (bidi overrides, zero-width spaces) could make a name
    # show as something else ("x\u202efdp.exe" reads as "xexe.pdf"): drop them.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = " ".join(text.split())  # tabs, newlines and runs of blanks: one blank
    text = _UNSAFE.sub("_", text)
    text = text.strip(_TRIM)
    text = text[:MAX_STEM]
    while len(text.encode("utf-8")) > MAX_STEM_BYTES:
        text = text[:-1]
    text = text.rstrip(_TRIM)  # cutting may leave a blank or dot at the end
    if not text:
        return FALLBACK_STEM
    if _RESERVED.fullmatch(text):
        text = "_" + text
    return text


def fill_pattern(pattern: str, fields: NameFields) -> str:
    """The file name ``pattern`` gives for ``fields``, sanitised, with ``.pdf``."""
    values = {
        "type": fields.type.replace(" ", "-"),
        "number": fields.number,
        "client": fields.client,
        "customer_number": fields.customer_number,
        "date": fields.date.isoformat() if fields.date else "",
        "year": str(fields.date.year) if fields.date else "",
    }
    try:
        text = pattern.format_map(values)
    except (KeyError, ValueError, IndexError):
        # A pattern stored before validation existed, or edited by hand: fall back.
        text = DEFAULT_FILENAME_PATTERN.format_map(values)
    return sanitize_stem(text) + ".pdf"
