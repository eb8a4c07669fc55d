"""The translation catalogues: extract, update, compile and check (Babel's message tools).

    python scripts/i18n.py update    # extract the strings, merge them into every .po
    python scripts/i18n.py compile   # .po → .mo (the app reads the .mo)
    python scripts/i18n.py check     # exit 1 when a string lacks a translation or a .mo is stale

Sources: every module of ``invoicedesk`` (``tr``, ``ntr``, ``ptr``, ``N_``; see
``invoicedesk/i18n.py``). Catalogues: ``resources/locale/<lang>/LC_MESSAGES/<area>.po``, one
per area of the code (``AREAS``: cli, services, editor, invoices, and invoicedesk for the
rest of the app), with the compiled ``.mo`` beside each (committed: a wheel or the frozen
app needs no build step). The suite runs ``check`` (tests/test_translations.py): a string
added without its German translation fails CI. Workflow: write the string with ``tr()``,
run ``update``, translate the new entries in the area's .po (Poedit, or any editor), run
``compile``; ``check --area editor`` checks one catalogue.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "invoicedesk"
LOCALE = ROOT / "resources" / "locale"
LANGUAGES = ("de",)
KEYWORDS = {"tr": None, "ntr": (1, 2), "ptr": ((1, "c"), 2), "N_": None}
# The error classes take their English template first: it goes into the catalogue of the
# areas whose errors are converted to templates (the others' errors are still f-strings).
# While converting an area, add it for yourself: I18N_ERROR_AREAS=services,core.
ERROR_KEYWORDS = {"DomainError": None, "NotFoundError": None, "ConflictError": None,
                  "PdfLayoutError": None}  # fmt: skip
ERROR_AREAS: tuple[str, ...] = ("core", "services", "cli", "editor", "invoices")
# One catalogue per area of the code, so the areas can be translated side by side; a string
# used in two areas is in both. A module belongs to the first area whose prefix it has.
AREAS: dict[str, tuple[str, ...]] = {
    "cli": ("invoicedesk/cli/",),
    "core": ("invoicedesk/core/", "invoicedesk/pdf/", "invoicedesk/db/",
             "invoicedesk/config.py", "invoicedesk/logs.py"),
    "services": ("invoicedesk/services/",),
    "editor": ("invoicedesk/ui/invoice_editor/", "invoicedesk/ui/payments/record_dialog.py",
               "invoicedesk/ui/payments/chooser.py", "invoicedesk/ui/clients/client_dialog.py",
               "invoicedesk/ui/clients/address_editor.py",
               "invoicedesk/ui/products/product_dialog.py"),
    "invoices": ("invoicedesk/ui/invoices/", "invoicedesk/ui/mail/compose_dialog.py",
                 "invoicedesk/ui/mail/settings_dialog.py",
                 "invoicedesk/ui/mail/templates_dialog.py",
                 "invoicedesk/ui/backups_dialog.py", "invoicedesk/ui/pdf/layout_dialog.py",
                 "invoicedesk/ui/pdf/printing.py"),
    "invoicedesk": ("invoicedesk/",),  # the rest of the app
}  # fmt: skip


def area_of(path: str) -> str:
    return next(area for area, prefixes in AREAS.items() if path.startswith(prefixes))


def templates() -> dict[str, Catalog]:
    """Every string the sources mark, per area, with where it is used."""
    found = {area: Catalog(project="InvoiceDesk", domain=area, charset="utf-8") for area in AREAS}
    error_areas = set(ERROR_AREAS) | set(filter(None, os.environ.get("I18N_ERROR_AREAS",
                                                                    "").split(",")))  # fmt: skip
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SOURCES), method_map=[("**.py", "python")], keywords={**KEYWORDS, **ERROR_KEYWORDS},
        comment_tags=("Translators:",), strip_comment_tags=True,
    ):  # fmt: skip
        path = f"invoicedesk/{filename}"
        area = area_of(path)
        if funcname_of(path, lineno) in ERROR_KEYWORDS and area not in error_areas:
            continue
        found[area].add(message, None, [(path, lineno)], auto_comments=comments,
                        context=context)  # fmt: skip
    return found


def funcname_of(path: str, lineno: int) -> str:
    """The error class whose call spans ``lineno`` ("" when none): which keyword found it."""
    return _error_lines(path).get(lineno, "")


_ERROR_LINE_CACHE: dict[str, dict[int, str]] = {}


def _error_lines(path: str) -> dict[int, str]:
    """Every line of an error class's template argument → the class's name, per file."""
    if path not in _ERROR_LINE_CACHE:
        names: dict[int, str] = {}
        for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0] if node.args else None
                # The template itself (not a tr() call passed as the message).
                if name in ERROR_KEYWORDS and first is not None and not isinstance(first, ast.Call):
                    for line in range(first.lineno, (first.end_lineno or first.lineno) + 1):
                        names.setdefault(line, name)
        _ERROR_LINE_CACHE[path] = names
    return _ERROR_LINE_CACHE[path]


def po_path(language: str, area: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{area}.po"


def read_catalog(language: str, area: str = "invoicedesk") -> Catalog:
    path = po_path(language, area)
    if not path.exists():
        return Catalog(locale=language, domain=area, project="InvoiceDesk")
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=area)


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, omit_header=False)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    """Merge each area's strings into its catalogue; a string new to an area takes the
    translation another area already has (moving a module keeps its translations)."""
    pots = templates()
    for language in LANGUAGES:
        catalogs = {area: read_catalog(language, area) for area in AREAS}
        known = {
            (m.id if isinstance(m.id, str) else m.id[0], m.context): m.string
            for c in catalogs.values()
            for m in c
            if m.id and m.string and not m.fuzzy
        }
        for area, catalog in catalogs.items():
            catalog.update(pots[area], no_fuzzy_matching=True)
            for message in catalog:
                key = (message.id if isinstance(message.id, str) else message.id[0],
                       message.context)  # fmt: skip
                if message.id and not any(_strings(message)) and key in known:
                    message.string = known[key]
            catalog.obsolete.clear()
            if len(catalog) or po_path(language, area).exists():
                write_catalog(catalog, po_path(language, area))
                todo = sum(1 for _m in untranslated(catalog, pots[area]))
                print(f"{po_path(language, area).relative_to(ROOT)}: {len(catalog)} strings, "
                      f"{todo} to translate")  # fmt: skip


def compile_all() -> None:
    for language in LANGUAGES:
        for area in AREAS:
            if po_path(language, area).exists():
                po_path(language, area).with_suffix(".mo").write_bytes(
                    compiled(read_catalog(language, area))
                )


def _strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def untranslated(catalog: Catalog, pot: Catalog) -> Iterator[Message]:
    """The strings of ``pot`` that ``catalog`` does not translate (missing, empty, fuzzy)."""
    for message in pot:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        if found is None or found.fuzzy or not all(_strings(found)):
            yield message


def problems(areas: tuple[str, ...] = tuple(AREAS)) -> list[str]:
    """What ``check`` reports: untranslated strings and stale compiled catalogues."""
    pots = templates()
    found = []
    for language in LANGUAGES:
        for area in areas:
            catalog = read_catalog(language, area)
            for message in untranslated(catalog, pots[area]):
                where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
                found.append(f"{language}/{area}: no translation for {message.id!r} ({where})")
            mo = po_path(language, area).with_suffix(".mo")
            if len(pots[area]) and (not mo.exists() or mo.read_bytes() != compiled(catalog)):
                found.append(
                    f"{language}: {mo.relative_to(ROOT)} is stale; run scripts/i18n.py compile"
                )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    parser.add_argument("--area", choices=tuple(AREAS), action="append",
                        help="check only these catalogues (default: all)")  # fmt: skip
    arguments = parser.parse_args()
    command = arguments.command
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    else:
        found = problems(tuple(arguments.area or AREAS))
        for line in found:
            print(line)
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
