"""Translations: the German catalogue is complete and compiled, plural forms come from it,
and the screens converted so far show no English when the program runs in German.

``scripts/i18n.py check`` is what fails CI for a string without a translation; the walk
test below builds the screens in German and looks at every text a person can see.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QWidget,
)

from invoicedesk import i18n
from invoicedesk.i18n import ntr, set_language, tr

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_marked_string_has_a_german_translation_and_the_catalogue_is_compiled():
    assert _tool().problems() == []


@pytest.fixture
def german(qapp: QApplication) -> Iterator[None]:
    from invoicedesk.ui.language import install_qt_translations

    set_language("de")
    install_qt_translations(qapp, "de")
    yield
    set_language("en")
    from PySide6.QtCore import QTranslator

    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.deleteLater()


def test_german_texts_and_plural_forms_come_from_the_catalogue(german):
    assert i18n.current_language() == "de"
    assert tr("Settings") == "Einstellungen"
    assert ntr(" day", " days", 1) == " Tag"
    assert ntr(" day", " days", 14) == " Tage"
    assert tr("not in any catalogue") == "not in any catalogue"  # falls back to the source
    set_language("fr")
    assert tr("Settings") == "Settings"  # no French catalogue: English


def test_the_language_of_the_environment_is_read_as_gettext_does():
    assert i18n.language_from_environment({"LANGUAGE": "de_DE:en", "LANG": "en_US"}) == "de_DE"
    assert i18n.language_from_environment({"LANG": "de_AT.UTF-8"}) == "de_AT"
    assert i18n.language_from_environment({"LANG": "C.UTF-8"}) == ""
    assert i18n.language_from_environment({}) == ""


def test_the_command_line_takes_the_environment_language_once_its_catalogue_is_complete():
    try:
        assert i18n.use_environment_language({"LANG": "de_DE.UTF-8"}) == "en"  # not yet
        assert i18n.use_environment_language({"LANG": "en_GB.UTF-8"}) == "en"
    finally:
        set_language("en")


# ----------------------------------------------------------------------------- the walk

def _english_only() -> set[str]:
    """The English source strings whose German differs (one of them on screen in a German
    program is a string that missed the catalogue); without mnemonics."""
    tool = _tool()
    english, german = set(), set()
    for message in (m for area in tool.AREAS for m in tool.read_catalog("de", area)):
        if not message.id or isinstance(message.id, tuple):
            continue
        german.add(str(message.string).replace("&", ""))
        if message.string and message.string != message.id:
            english.add(message.id.replace("&", ""))
    return english - german  # "Bank:" is both: the German for "B&ank:" is no leak


def visible_texts(widget: QWidget) -> Iterator[str]:
    """Every text a person can see in ``widget`` and its children, menus included."""
    yield widget.windowTitle()
    for child in [widget, *widget.findChildren(QWidget)]:
        if isinstance(child, QLabel):
            yield child.text()
        elif isinstance(child, QAbstractButton):
            yield child.text()
        elif isinstance(child, QLineEdit):
            yield child.placeholderText()
        elif isinstance(child, QListWidget):
            yield from (child.item(i).text() for i in range(child.count()))
        elif isinstance(child, QMenu):
            yield child.title()
            yield from (action.text() for action in child.actions())
        if child.toolTip():
            yield child.toolTip()


def english_left(widget: QWidget, english: set[str]) -> list[str]:
    return sorted({t for t in visible_texts(widget) if t.replace("&", "") in english})


def test_in_german_the_main_window_settings_and_wizard_show_no_english(
    german, qtbot, db, tmp_path
):
    from invoicedesk.ui.context import AppContext
    from invoicedesk.ui.main_window import MainWindow
    from invoicedesk.ui.settings.dialog import SettingsDialog
    from invoicedesk.ui.setup_wizard import SetupWizard
    from tests.ui.test_mnemonics import clashes

    english = _english_only()
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings=settings)
    qtbot.addWidget(window)
    menus = [a.menu() for a in window.menuBar().actions()]
    assert [m.title() for m in menus] == ["&Datei", "&Bearbeiten", "&Ansicht", "&Hilfe"]
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Rechnungen", "Kunden", "Artikel", "Zahlungen", "Postausgang",
    ]  # fmt: skip
    for menu in menus:
        assert english_left(menu, english) == []
    dialog = SettingsDialog(AppContext(db), settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    for row in range(dialog.nav.count()):
        dialog.nav.setCurrentRow(row)
        assert english_left(dialog, english) == [], dialog.nav.currentItem().text()
        assert clashes(dialog) == {}, dialog.nav.currentItem().text()  # German mnemonics too
    assert dialog.defaults.due_days.suffix() == " Tage"
    assert "Abbrechen" in [b.text().replace("&", "") for b in dialog.buttons.buttons()]  # Qt's
    wizard = SetupWizard(AppContext(db))
    qtbot.addWidget(wizard)
    wizard.show()
    while True:
        assert english_left(wizard.currentPage(), english) == []
        assert clashes(wizard) == {}
        if wizard.currentPage() is wizard.defaults_page:
            break
        wizard.next()


# ------------------------------------------------------------- no literal left behind

# Modules whose user-visible strings all go through the catalogue. The others are being
# converted (issue 12); a module joins this list once it is, and then stays clean.
TRANSLATED_MODULES = (
    "invoicedesk/ui/app.py",
    "invoicedesk/ui/language.py",
    "invoicedesk/ui/main_window.py",
    "invoicedesk/ui/pages.py",
    "invoicedesk/ui/settings/dialog.py",
    "invoicedesk/ui/settings/forms.py",
    "invoicedesk/ui/setup_wizard.py",
    "invoicedesk/ui/messages.py",
    "invoicedesk/ui/operations.py",
    "invoicedesk/ui/crash.py",
    "invoicedesk/ui/integrity.py",
    "invoicedesk/ui/auto_backup.py",
    "invoicedesk/ui/context.py",
    "invoicedesk/ui/worker.py",
    "invoicedesk/ui/formatting.py",
    "invoicedesk/ui/clients/page.py",
    "invoicedesk/ui/clients/models.py",
    "invoicedesk/ui/clients/table.py",
    "invoicedesk/ui/clients/views.py",
    "invoicedesk/ui/clients/contacts_model.py",
    "invoicedesk/ui/clients/field_errors.py",
    "invoicedesk/ui/products/page.py",
    "invoicedesk/ui/products/models.py",
    "invoicedesk/ui/payments/page.py",
    "invoicedesk/ui/payments/models.py",
    "invoicedesk/ui/mail/outbox_page.py",
    "invoicedesk/ui/mail/outbox_model.py",
    "invoicedesk/ui/mail/actions.py",
    "invoicedesk/ui/mail/password.py",
    "invoicedesk/ui/mail/runner.py",
    "invoicedesk/ui/mail/plain.py",
    "invoicedesk/ui/pdf/actions.py",
    "invoicedesk/ui/pdf/editor.py",
    "invoicedesk/ui/pdf/export.py",
    "invoicedesk/ui/pdf/files.py",
    "invoicedesk/ui/pdf/preview.py",
    "invoicedesk/ui/pdf/versions.py",
    "invoicedesk/ui/pdf/raster.py",
    "invoicedesk/ui/widgets/date_edit.py",
    "invoicedesk/ui/widgets/decimal_edit.py",
    "invoicedesk/ui/widgets/window_fit.py",
)
# Calls whose text arguments a person reads: (name, positions of the text arguments).
TEXT_CALLS = {
    "add_line": (1, 2), "addRow": (0,), "QLabel": (0,), "QPushButton": (0,), "QCheckBox": (0,),
    "QRadioButton": (0,), "QGroupBox": (0,), "addItem": (0,), "setToolTip": (0,),
    "setStatusTip": (0,), "setText": (0,), "setWindowTitle": (0,), "setTitle": (0,),
    "setSubTitle": (0,), "setPlaceholderText": (0,), "addMenu": (0,), "addTab": (1,),
    "setInformativeText": (0,), "showMessage": (0,), "warning": (2,), "information": (2,),
    "critical": (2,), "question": (2,), "QProgressDialog": (0, 1), "setLabelText": (0,),
    "setSuffix": (0,), "setPrefix": (0,), "_action": (0,), "_add_page": (0, 1),
    "_show_status": (0,), "Operation": (2,), "DomainError": (0,),
    "QAction": (0, 1), "addButton": (0,), "setAccessibleName": (0,), "ListTable": (0,),
    "set_placeholder": (0,), "confirm": (1, 2, 3, 4), "report": (1, 2), "set_message": (0,),
    "show_error": (0,), "getText": (1, 2), "ask_folder": (1,), "getSaveFileName": (1,),
    "_tool": (0, 1), "DateProblem": (0,),
}  # fmt: skip


def _has_words(arg: ast.expr) -> bool:
    """Whether ``arg`` is literal text with words in it (markup and the name InvoiceDesk
    are no words; an f-string counts by its literal parts)."""
    if isinstance(arg, ast.JoinedStr):
        text = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
    elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        text = arg.value
    else:
        return False
    text = re.sub(r"<[^>]*>", "", text).replace("InvoiceDesk", "")
    return any(ch.isalpha() for ch in text)


def _literal_texts(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        for index in TEXT_CALLS.get(name or "", ()):
            if index < len(node.args):
                arg = node.args[index]
                if _has_words(arg):
                    yield f"{path.relative_to(ROOT)}:{arg.lineno} {name}({ast.unparse(arg)})"


@pytest.mark.parametrize("module", TRANSLATED_MODULES)
def test_a_translated_module_passes_no_literal_text_to_a_widget(module):
    assert list(_literal_texts(ROOT / module)) == []


def test_no_marked_string_hides_inside_an_f_string():
    """Babel cannot read inside f-strings (Python 3.11): a tr("…") there is never extracted,
    so it would stay English in every language."""
    hidden = []
    for path in sorted((ROOT / "invoicedesk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                name = getattr(getattr(call, "func", None), "id", None)
                if isinstance(call, ast.Call) and name in ("tr", "ntr", "ptr", "N_") and any(
                    isinstance(arg, ast.Constant) for arg in call.args
                ):
                    hidden.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert hidden == []
