"""Every dialog's Alt+letter mnemonics are unique: no letter is used twice by the widgets
shown together (a wizard: per page, with the wizard's own buttons).

Every ``QDialog`` subclass in ``invoicedesk.ui`` is found by importing the package's
modules, and must have a factory below: a new dialog without one fails
:func:`test_every_dialog_is_checked`. A letter counts for a button (also check and radio
boxes), a group box, a tab and a label with a buddy, when it is visible — enabled or not,
since a button disabled now is enabled a moment later (Send once a recipient is typed).
A dialog button box's standard buttons (OK, Cancel, Close …) have no mnemonic in Qt's
default texts, but GNOME's and KDE's themes give them their first letter ("&Cancel"), so
that letter counts too.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedLayout,
    QTabWidget,
    QWidget,
    QWizard,
    QWizardPage,
)

import invoicedesk.ui
from invoicedesk.core.lifecycle import DocType
from invoicedesk.services.mail_types import Attachment, MailDraft
from invoicedesk.ui import operations
from invoicedesk.ui.backups_dialog import BackupsDialog
from invoicedesk.ui.clients.client_dialog import ClientDialog
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.crash import ErrorDialog
from invoicedesk.ui.mail.compose_dialog import ComposeDialog, MailTarget, Prepared
from invoicedesk.ui.mail.settings_dialog import EmailSettingsDialog
from invoicedesk.ui.mail.templates_dialog import TemplatesDialog
from invoicedesk.ui.payments.chooser import InvoiceChooserDialog
from invoicedesk.ui.payments.record_dialog import RecordPaymentDialog
from invoicedesk.ui.pdf.export import ExportDialog
from invoicedesk.ui.pdf.layout_dialog import DocumentLayoutDialog
from invoicedesk.ui.pdf.preview import PdfPreviewDialog
from invoicedesk.ui.products.product_dialog import ProductDialog
from invoicedesk.ui.settings.dialog import SettingsDialog
from invoicedesk.ui.setup_wizard import SetupWizard
from invoicedesk.ui.worker import long_jobs_pool
from tests.factories import TODAY, issued_invoice, make_client, make_draft
from tests.ui.test_invoice_editor_support import answers, open_editor  # noqa: F401 - fixtures

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

_MNEMONIC = re.compile(r"&(.)")
# GNOME's theme (QGnomeTheme::standardButtonText) gives these "&OK", "&Save", "&Cancel", "&Close".
_S = QDialogButtonBox.StandardButton
THEMED = (_S.Ok, _S.Save, _S.Cancel, _S.Close)


def mnemonic(text: str) -> str | None:
    """The Alt+letter of ``text`` ("Te&mplate" → "m"; "&&" is a literal ampersand)."""
    for match in _MNEMONIC.finditer(text.replace("&&", "")):
        return match.group(1).lower()
    return None


def _button_letter(button: QAbstractButton) -> str | None:
    letter = mnemonic(button.text())
    box = button.parentWidget()
    while letter is None and box is not None and not isinstance(box, QDialogButtonBox):
        box = box.parentWidget() if not isinstance(box, QDialog) else None
    if letter is None and isinstance(box, QDialogButtonBox):
        which = box.standardButton(button)
        if which in THEMED and button.text() == _default_text(which):
            letter = button.text().strip()[:1].lower() or None
    return letter


def _default_text(which: QDialogButtonBox.StandardButton) -> str:
    """The text Qt gives the standard button here (a text set by the dialog replaces it)."""
    box = QDialogButtonBox(which)
    text = box.button(which).text()
    box.deleteLater()
    return text


def may_show(widget: QWidget, root: QWidget) -> bool:
    """Whether ``widget`` is shown with ``root``'s current page: visible now, or hidden by
    the dialog itself until a choice shows it. Not: another page of a stack (tab, wizard
    page), a wizard button the wizard hides on this page, a popup."""
    if isinstance(root, QWizard) and not _on_a_page(widget, root):
        return widget.isVisibleTo(root)  # the wizard's buttons: shown per page by the wizard
    while widget is not root:
        parent = widget.parentWidget()
        if widget.isWindow() or parent is None:
            return False
        stack = parent.layout()
        if isinstance(stack, QStackedLayout) and stack.currentWidget() is not widget:
            return False
        if isinstance(root, QWizard) and isinstance(widget, QWizardPage):
            return widget is root.currentPage()
        widget = parent
    return True


def _on_a_page(widget: QWidget | None, wizard: QWizard) -> bool:
    while widget is not None and widget is not wizard:
        if isinstance(widget, QWizardPage):
            return True
        widget = widget.parentWidget()
    return False


def letters(root: QWidget) -> dict[str, list[str]]:
    """Letter → the texts using it, among the widgets shown with ``root``'s current page."""
    used: dict[str, list[str]] = defaultdict(list)

    def add(widget: QWidget, text: str, letter: str | None) -> None:
        if letter and may_show(widget, root):
            used[letter].append(text)

    for button in root.findChildren(QAbstractButton):
        add(button, button.text(), _button_letter(button))
    for label in root.findChildren(QLabel):
        if label.buddy() is not None:
            add(label, label.text(), mnemonic(label.text()))
    for group in root.findChildren(QGroupBox):
        add(group, group.title(), mnemonic(group.title()))
    for tabs in root.findChildren(QTabWidget):
        for i in range(tabs.count()):
            if tabs.isTabVisible(i):
                add(tabs, tabs.tabText(i), mnemonic(tabs.tabText(i)))
    return used


def dead_labels(root: QWidget) -> list[str]:
    """Labels that underline a letter but have no buddy: Alt+letter would do nothing."""
    return [
        label.text() for label in root.findChildren(QLabel)
        if label.buddy() is None and label.textFormat() != Qt.TextFormat.RichText
        and mnemonic(label.text()) and may_show(label, root)
    ]  # fmt: skip


def clashes(root: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in letters(root).items() if len(v) > 1}


def states(dialog: QDialog) -> Iterator[str]:
    """Show every state with other widgets: each wizard page, each tab of a tab widget."""
    if isinstance(dialog, QWizard):
        dialog.restart()
        while True:
            yield f"page {dialog.currentPage().title()!r}"
            if dialog.nextId() == -1:
                return
            before = dialog.currentId()
            dialog.next()
            assert dialog.currentId() != before, f"stuck on {dialog.currentPage().title()!r}"
        return
    yield "as opened"
    for tabs in dialog.findChildren(QTabWidget):
        for i in range(tabs.count()):
            if tabs.isTabVisible(i) and tabs.isTabEnabled(i):
                tabs.setCurrentIndex(i)
                yield f"tab {tabs.tabText(i)!r}"


# --------------------------------------------------------------------------- the dialogs


def _compose(ctx: AppContext, data: dict[str, Any]) -> QDialog:
    target = MailTarget(data["invoice"].id, DocType.INVOICE, data["invoice"].number)
    draft = MailDraft(
        to=("anna@example.com",),
        subject="Invoice",
        body="Hello",
        attachments=(Attachment("a.pdf", b"%PDF-1.4", "application/pdf"),),
        invoice_id=target.id,
    )
    return ComposeDialog(ctx, Prepared(target, draft))


Factory = Callable[[AppContext, dict[str, Any]], QDialog]
FACTORIES: dict[str, Factory] = {
    "BackupsDialog": lambda ctx, _d: BackupsDialog(ctx.db),
    "ClientDialog": lambda ctx, d: ClientDialog(ctx, d["client"].id),
    "ComposeDialog": _compose,
    "DocumentLayoutDialog": lambda ctx, _d: DocumentLayoutDialog(ctx),
    "EmailSettingsDialog": lambda ctx, _d: EmailSettingsDialog(ctx),
    "ErrorDialog": lambda _c, _d: ErrorDialog("It broke.", "Traceback …"),
    "ExportDialog": lambda _c, d: ExportDialog([1], [1, 2], d["folder"]),
    "InvoiceChooserDialog": lambda ctx, _d: InvoiceChooserDialog(ctx, today=TODAY),
    "PdfPreviewDialog": lambda _c, _d: PdfPreviewDialog("Invoice RE-1"),
    "ProductDialog": lambda ctx, _d: ProductDialog(ctx),
    "RecordPaymentDialog": lambda ctx, d: RecordPaymentDialog(ctx, d["invoice"].id, today=TODAY),
    "SettingsDialog": lambda ctx, _d: SettingsDialog(ctx),
    "SetupWizard": lambda ctx, _d: SetupWizard(ctx),
    "TemplatesDialog": lambda ctx, _d: TemplatesDialog(ctx),
}


def dialog_classes() -> set[str]:
    """Every QDialog subclass (QWizard, QMessageBox …) the modules of ``invoicedesk.ui`` define."""
    for info in pkgutil.walk_packages(invoicedesk.ui.__path__, "invoicedesk.ui."):
        importlib.import_module(info.name)
    found: set[str] = set()
    todo = [QDialog]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("invoicedesk.ui"):
                found.add(sub.__name__)
    return found


def test_every_dialog_is_checked():
    assert dialog_classes() == set(FACTORIES)


@pytest.fixture
def data(db, tmp_path: Path) -> dict[str, Any]:
    client = make_client(db, "Müller & Söhne GmbH")
    return {
        "client": client,
        "invoice": issued_invoice(db, client_id=client.id),
        "folder": tmp_path,
    }


@pytest.fixture
def ctx(db) -> Iterator[AppContext]:
    context = AppContext(db)
    yield context
    operations.write_pool().waitForDone(10000)  # nothing may run once the file is closed
    QThreadPool.globalInstance().waitForDone(10000)
    long_jobs_pool().waitForDone(10000)
    QApplication.processEvents()


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_no_letter_is_used_twice(qtbot, ctx, data, name):
    dialog = FACTORIES[name](ctx, data)
    qtbot.addWidget(dialog)
    dialog.show()
    seen: set[str] = set()
    found: dict[str, Any] = {}
    for state in states(dialog):
        seen.update(letters(dialog))
        if clashes(dialog) or dead_labels(dialog):
            found[state] = {"clashes": clashes(dialog), "no buddy": dead_labels(dialog)}
    assert found == {}
    assert seen  # the walk sees the dialog's widgets


# Known, outside this change (the header's fields, ui/pdf/editor.py's tab and buttons):
# listed so that whoever fixes one removes it here.
KNOWN_IN_THE_EDITOR = {
    ("p", ("&Prices", "Archived &PDFs")),
    ("v", ("Pre&view version", "Sa&ve version as…", "Deli&very / service")),
}


@pytest.mark.parametrize("issued", [False, True])
def test_the_invoice_editor_per_tab(qtbot, db, data, open_editor, issued):  # noqa: F811
    client = data["client"].id
    editor = open_editor(data["invoice"].id if issued else make_draft(db, client_id=client).id)
    editor.show()
    found = set()
    for i in range(editor.tabs.count()):
        if editor.tabs.isTabVisible(i):
            editor.tabs.setCurrentIndex(i)
            found |= {(letter, tuple(texts)) for letter, texts in clashes(editor).items()}
    assert found - KNOWN_IN_THE_EDITOR == set()  # the discounts tab had s, o, c, p and h


# --------------------------------------------------------------------------- the check itself


def test_mnemonics_are_read_like_qt():
    assert mnemonic("Te&mplate:") == "m"
    assert mnemonic("Disc&ounts && charges") == "o"
    assert mnemonic("Tom && Jerry") is None


def test_the_check_sees_what_clashes(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = QFormLayout(dialog)
    form.addRow("&Subject:", QLineEdit())  # a label with a buddy
    form.addRow("&Cc:", QLineEdit())
    understand = QCheckBox("I &understand")
    form.addRow(understand)
    understand.hide()  # shown on a choice: it counts
    tabs = QTabWidget()
    tabs.addTab(QPushButton("&General"), "&Address")
    tabs.addTab(QPushButton("&Send later"), "&Notes")  # another tab's page: not with the rest
    form.addRow(tabs)
    form.addRow("&User:", QLineEdit())
    form.addRow(QLabel("&Dead"))  # no buddy
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    buttons.addButton("&Send", QDialogButtonBox.ButtonRole.AcceptRole)
    form.addRow(buttons)
    dialog.show()
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel).text()
    assert clashes(dialog) == {
        "s": ["&Send", "&Subject:"],
        "c": [cancel, "&Cc:"],  # GNOME's "&Cancel"
        "u": ["I &understand", "&User:"],
    }
    assert dead_labels(dialog) == ["&Dead"]
    tabs.setCurrentIndex(1)
    assert clashes(dialog)["s"] == ["&Send later", "&Send", "&Subject:"]


def test_the_wizard_buttons_count_on_the_pages_that_show_them(qtbot):
    wizard = QWizard()
    qtbot.addWidget(wizard)
    for title in ("First", "Last"):
        page = QWizardPage()
        page.setTitle(title)
        QFormLayout(page).addRow("&Name:", QLineEdit())
        wizard.addPage(page)
    wizard.show()
    next_text = wizard.button(QWizard.WizardButton.NextButton).text()
    assert mnemonic(next_text) == "n"
    assert [(state, clashes(wizard)) for state in states(wizard)] == [
        ("page 'First'", {"n": [next_text, "&Name:"]}),
        ("page 'Last'", {}),  # Next is hidden on the last page
    ]
