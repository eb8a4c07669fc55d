"""Translations: every user-visible string of the app, the command line and the services'
errors goes through this module (gettext catalogues, see docs/translations.md).

    from invoicedesk.i18n import N_, ntr, tr

    QLabel(tr("Payment &due after:"))
    ntr("{n} invoice", "{n} invoices", count).format(n=count)
    TITLES = (N_("Invoices"), N_("Clients"))   # marked here, translated where shown: tr(t)

English is the source language: without a catalogue a string stays as written. The
language is one per process, chosen at start (:func:`set_language`): the app takes the
one from File › Settings › Language or the system's, the command line the environment's
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``). A string made before the choice
stays in the language it was made in, so module-level texts are marked with :func:`N_`
and translated where they are shown.

The functions are called ``tr``/``ntr``, not ``_``: this code base uses ``_`` for values
it ignores (``path, _ = …``), which would shadow a ``_`` function.
"""

from __future__ import annotations

import gettext
import io
import os

DOMAIN = "invoicedesk"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "de")  # the catalogues shipped (English is the source)
# Catalogues that cover every screen: a system set to one of these gets it by default.
# German is being completed (issue 12): until then it shows only when chosen in
# File › Settings › Language, and a German system keeps English screens with German dates.
COMPLETE_LANGUAGES = ("en",)

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def tr(message: str) -> str:
    """``message`` in the current language."""
    return _translation.gettext(message)


def ntr(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` in the current language (its catalogue's plural rule)."""
    return _translation.ngettext(singular, plural, n)


def ptr(context: str, message: str) -> str:
    """``message`` in ``context``: the same English word translated differently
    ("Open" a file / an "Open" amount)."""
    return _translation.pgettext(context, message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark ``message`` for the catalogue without translating it now (module-level
    constants); translate it with :func:`tr` where it is shown."""
    return message


def current_language() -> str:
    return _language


def set_language(language: str) -> str:
    """Use ``language`` ("de", "de_AT", "en_US" …) from now on; a language without a
    catalogue falls back to English. Returns the language in use ("en" or "de")."""
    global _translation, _language
    code = (language or SOURCE_LANGUAGE).replace("-", "_").split("_")[0].lower()
    catalogues = _catalogues(code) if code != SOURCE_LANGUAGE else []
    if not catalogues:
        _translation, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
        return _language
    # One catalogue per area of the code (scripts/i18n.py): chained, the first that
    # knows a string translates it.
    first, *rest = (gettext.GNUTranslations(io.BytesIO(data)) for data in catalogues)
    for more in rest:
        first.add_fallback(more)
    _translation, _language = first, code
    return _language


def use_environment_language(environ: dict[str, str] | None = None) -> str:
    """The command line's choice: the environment's language where its catalogue is
    complete (``COMPLETE_LANGUAGES``), else English. Returns the language in use."""
    wanted = language_from_environment(environ)
    code = wanted.replace("-", "_").split("_")[0].lower()
    return set_language(wanted if code in COMPLETE_LANGUAGES else SOURCE_LANGUAGE)


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """The language the environment asks for, as gettext reads it ("" when none)."""
    env = os.environ if environ is None else environ
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value:
            first = value.split(":")[0].split(".")[0]
            return "" if first in ("C", "POSIX") else first
    return ""


def _catalogues(code: str) -> list[bytes]:
    """The compiled catalogues of ``code`` (resources/locale/<code>/LC_MESSAGES/*.mo)."""
    from invoicedesk.assets import resource

    folder = resource("locale", code, "LC_MESSAGES")
    if not folder.is_dir():
        return []
    return [item.read_bytes() for item in sorted(folder.iterdir(), key=lambda i: i.name)
            if item.name.endswith(".mo")]  # fmt: skip
