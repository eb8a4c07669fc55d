"""Printing helpers shared by the commands: rows as a table, JSON or CSV; JSON documents.

Values may be ``str``, ``int``, ``Decimal``, ``date``/``datetime``, enums,
``bool`` or ``None``. Decimals are never turned into floats: JSON and CSV get
them as plain strings (``"17.26"``), the table prints them as they are.
Pass amounts as ``Decimal`` (already rounded), not as preformatted strings,
so the table right-aligns them.

The table is for people: its column titles (and yes/no) are in the current language.
JSON and CSV are for programs: their keys stay the English column keys.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Literal, TextIO

from invoicedesk.i18n import ptr, tr

__all__ = ["FORMATS", "Format", "column_titles", "print_json", "print_rows", "state_text",
           "to_jsonable"]  # fmt: skip

Format = Literal["table", "json", "csv"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv")


def to_jsonable(value: object) -> object:
    """A JSON-safe version of one value: Decimal → plain string, date → ISO, enum → its value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, dt.date):  # also datetime
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return str(value)


def print_json(obj: object, stream: TextIO | None = None) -> None:
    """Print ``obj`` as indented JSON (UTF-8 text as is, Decimals as strings)."""
    out = stream if stream is not None else sys.stdout
    out.write(json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False) + "\n")


def _text(value: object) -> str:
    """One value as plain text for the table and CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    converted = to_jsonable(value)
    return converted if isinstance(converted, str) else str(converted)


def column_titles() -> dict[str, str]:
    """The table's title of each column key (English: the key itself)."""
    return {
        "id": ptr("column", "id"),
        "number": ptr("column", "number"),
        "doc_type": ptr("column", "doc_type"),
        "client": ptr("column", "client"),
        "client_id": ptr("column", "client_id"),
        "customer_number": ptr("column", "customer_number"),
        "date": ptr("column", "date"),
        "due_date": ptr("column", "due_date"),
        "state": ptr("column", "state"),
        "status": ptr("column", "status"),
        "currency": ptr("column", "currency"),
        "net": ptr("column", "net"),
        "tax": ptr("column", "tax"),
        "gross": ptr("column", "gross"),
        "open": ptr("column", "open"),
        "overdue": ptr("column", "overdue"),
        "title": ptr("column", "title"),
        "tags": ptr("column", "tags"),
        "pos": ptr("column", "pos"),
        "name": ptr("column", "name"),
        "quantity": ptr("column", "quantity"),
        "unit": ptr("column", "unit"),
        "unit_price": ptr("column", "unit_price"),
        "tax_rate": ptr("column", "tax_rate"),
        "tax_category": ptr("column", "tax_category"),
        "price_basis": ptr("column", "price_basis"),
        "amount": ptr("column", "amount"),
        "method": ptr("column", "method"),
        "reference": ptr("column", "reference"),
        "note": ptr("column", "note"),
        "overpayment": ptr("column", "overpayment"),
        "invoice": ptr("column", "invoice"),
        "email": ptr("column", "email"),
        "city": ptr("column", "city"),
        "country": ptr("column", "country"),
        "invoices": ptr("column", "invoices"),
        "clients": ptr("column", "clients"),
        "archived": ptr("column", "archived"),
        "to": ptr("column", "to"),
        "subject": ptr("column", "subject"),
        "time": ptr("column", "time"),
        "error": ptr("column", "error"),
        "created": ptr("column", "created"),
        "kind": ptr("column", "kind"),
        "size": ptr("column", "size"),
        "file": ptr("column", "file"),
        "day": ptr("column", "day"),
        "week": ptr("column", "week"),
        "month": ptr("column", "month"),
        "year": ptr("column", "year"),
        "count": ptr("column", "count"),
    }


def state_text(state: str) -> str:
    """An invoice's or a mail's state as a person reads it (English: the state's name)."""
    return {
        "draft": ptr("state", "draft"),
        "open": ptr("state", "open"),
        "overdue": ptr("state", "overdue"),
        "part_paid": ptr("state", "part_paid"),
        "paid": ptr("state", "paid"),
        "cancelled": ptr("state", "cancelled"),
        "queued": ptr("state", "queued"),
        "sending": ptr("state", "sending"),
        "sent": ptr("state", "sent"),
        "failed": ptr("state", "failed"),
        "unknown": ptr("state", "unknown"),
    }.get(state, state)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _width(text: str) -> int:
    """Terminal columns ``text`` takes: wide (CJK, emoji) characters count 2, combining 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    # One table row per record: line breaks and tabs inside a value become spaces.
    return " ".join(_text(value).splitlines()).replace("\t", " ")


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def print_rows(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str],
    fmt: Format = "table",
    stream: TextIO | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Print ``rows`` (only ``columns``, in that order) as a table, JSON or CSV.

    * ``table``: a header, a rule, one aligned line per row; columns whose
      values are all numbers are right-aligned. Missing values print empty.
    * ``json``: an array of objects keyed by column; Decimals as strings.
    * ``csv``: a header line, then one line per row (``csv`` module quoting).

    ``headers`` maps column keys to the titles shown in the table and CSV header
    (JSON always uses the keys); without, the table shows :func:`column_titles` and the
    CSV header the keys.
    """
    out = stream if stream is not None else sys.stdout
    known = column_titles() if fmt == "table" else {}
    titles = [(headers or {}).get(column, known.get(column, column)) for column in columns]
    if fmt == "json":
        print_json([{c: row.get(c) for c in columns} for row in rows], out)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(titles)
        for row in rows:
            writer.writerow([_text(row.get(c)) for c in columns])
    elif fmt == "table":
        cells = [[_cell(row.get(c)) for c in columns] for row in rows]
        right = [
            any(row.get(c) is not None for row in rows)
            and all(_is_number(row.get(c)) for row in rows if row.get(c) is not None)
            for c in columns
        ]
        widths = [
            max([_width(title)] + [_width(line[i]) for line in cells])
            for i, title in enumerate(titles)
        ]
        out.write(_line([_pad(t, w, r) for t, w, r in zip(titles, widths, right, strict=True)]))
        out.write(_line(["-" * w for w in widths]))
        for line in cells:
            out.write(_line([_pad(t, w, r) for t, w, r in zip(line, widths, right, strict=True)]))
    else:
        raise ValueError(f"unknown output format {fmt!r} (one of {', '.join(FORMATS)})")  # a bug


def _line(cells: Sequence[str]) -> str:
    return "  ".join(cells).rstrip() + "\n"
