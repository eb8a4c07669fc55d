"""The editor's questions and messages, in one place so tests can answer them.

The editor calls these through the module (``prompts.ask_unsaved(...)``), so a
test replaces one with ``monkeypatch.setattr(prompts, "ask_unsaved", ...)``
instead of driving a modal message box.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from invoicedesk.i18n import tr


class Unsaved(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def unsaved_box(parent: QWidget | None, what: str) -> QMessageBox:
    """The unsaved-changes question (built apart from ``exec`` so a test can inspect it)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Unsaved changes"))
    box.setText(tr("Save the changes to {what}?").format(what=what))
    box.setInformativeText(tr("If you don't save, your changes will be lost."))
    box.setStandardButtons(
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    box.button(QMessageBox.StandardButton.Save).setText(tr("&Save draft"))
    box.button(QMessageBox.StandardButton.Discard).setText(tr("&Don't save"))
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return box


def ask_unsaved(parent: QWidget | None, what: str) -> Unsaved:
    answer = unsaved_box(parent, what).exec()
    if answer == QMessageBox.StandardButton.Save:
        return Unsaved.SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return Unsaved.DISCARD
    return Unsaved.CANCEL


def confirm_box(
    parent: QWidget | None, title: str, text: str, details: str, action: str, *, keep: str = ""
) -> tuple[QMessageBox, QPushButton]:
    """The question :func:`confirm` asks and its button that goes ahead (for tests)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(details)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    stay = (
        box.addButton(keep, QMessageBox.ButtonRole.RejectRole)
        if keep
        else box.addButton(QMessageBox.StandardButton.Cancel)
    )
    box.setEscapeButton(stay)
    box.setDefaultButton(go)
    return box, go


def confirm(
    parent: QWidget | None, title: str, text: str, details: str, action: str, *, keep: str = ""
) -> bool:
    """Ask before an irreversible step; ``action`` labels the button that goes ahead, ``keep``
    the one that does not (default Cancel; a step that cancels needs another word)."""
    box, go = confirm_box(parent, title, text, details, action, keep=keep)
    box.exec()
    return box.clickedButton() is go


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def fail(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)
