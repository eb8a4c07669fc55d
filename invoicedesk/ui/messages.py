"""The questions every screen asks: "go ahead?", "this went wrong", "which folder?". Each
screen imports them by name, so a test replaces the one of the screen it drives."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    action: str,
    detail: str = "",
    *,
    destructive: bool = False,
) -> bool:
    """Ask before a step that cannot simply be undone; ``action`` labels the button that
    goes ahead. A destructive step (deleting, removing) has Cancel as its default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton)
    box.setParent(parent, box.windowFlags())
    box.setInformativeText(detail)
    role = (
        QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole
    )
    go = box.addButton(action, role)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel if destructive else go)
    box.exec()
    return box.clickedButton() is go


def report(parent: QWidget | None, title: str, text: str) -> None:
    """Tell what could not be done."""
    QMessageBox.warning(parent, title, text)


def ask_folder(parent: QWidget | None, title: str, start: str) -> str:
    """A folder the person picks (empty when they cancel)."""
    return QFileDialog.getExistingDirectory(parent, title, start)
