"""The translation catalogues: extract, update, compile and check (Babel's message tools).

    python scripts/i18n.py update    # extract the strings, merge them into every .po
    python scripts/i18n.py compile   # .po → .mo (the app reads the .mo)
    python scripts/i18n.py check     # exit 1 when a string lacks a translation or a .mo is stale

Sources: every module of ``invoicedesk`` (``tr``, ``ntr``, ``ptr``, ``N_``; see
``invoicedesk/i18n.py``). Catalogues: ``resources/locale/<lang>/LC_MESSAGES/invoicedesk.po``
with the compiled ``.mo`` beside it (committed: a wheel or the frozen app needs no build
step). The suite runs ``check`` (tests/test_translations.py): a string added without its
German translation fails CI. Workflow: write the string with ``tr()``, run ``update``,
translate the new entries in the .po (Poedit, or any editor), run ``compile``.
"""

from __future__ import annotations

import argparse
import io
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
DOMAIN = "invoicedesk"
LANGUAGES = ("de",)
KEYWORDS = {"tr": None, "ntr": (1, 2), "ptr": ((1, "c"), 2), "N_": None}


def template() -> Catalog:
    """Every string the sources mark, with where it is used."""
    catalog = Catalog(project="InvoiceDesk", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SOURCES), method_map=[("**.py", "python")], keywords=KEYWORDS,
        comment_tags=("Translators:",), strip_comment_tags=True,
    ):  # fmt: skip
        catalog.add(message, None, [(f"invoicedesk/{filename}", lineno)],
                    auto_comments=comments, context=context)  # fmt: skip
    return catalog


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="InvoiceDesk")
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, omit_header=False)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    pot = template()
    for language in LANGUAGES:
        catalog = read_catalog(language)
        catalog.update(pot, no_fuzzy_matching=False)
        write_catalog(catalog, po_path(language))
        print(f"{po_path(language).relative_to(ROOT)}: {len(catalog)} strings, "
              f"{sum(1 for _m in untranslated(catalog, pot))} to translate")  # fmt: skip


def compile_all() -> None:
    for language in LANGUAGES:
        po_path(language).with_suffix(".mo").write_bytes(compiled(read_catalog(language)))


def untranslated(catalog: Catalog, pot: Catalog) -> Iterator[Message]:
    """The strings of ``pot`` that ``catalog`` does not translate (missing, empty, fuzzy)."""
    for message in pot:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = (
            (found.string if isinstance(found.string, tuple) else (found.string,)) if found else ()
        )
        if found is None or found.fuzzy or not all(strings):
            yield message


def problems() -> list[str]:
    """What ``check`` reports: untranslated strings and stale compiled catalogues."""
    pot = template()
    found = []
    for language in LANGUAGES:
        catalog = read_catalog(language)
        for message in untranslated(catalog, pot):
            where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
            found.append(f"{language}: no translation for {message.id!r} ({where})")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            found.append(
                f"{language}: {mo.relative_to(ROOT)} is stale; run scripts/i18n.py compile"
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    command = parser.parse_args().command
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    else:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
