"""The questions every screen asks: "go ahead?", "this went wrong", "which folder?". Each
screen imports them by name, so a test replaces the one of the screen it drives."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget


def confirm_box(
    parent: QWidget | None,
    title: str,
    text: str,
    action: str,
    detail: str = "",
    *,
    destructive: bool = False,
    keep: str = "",
) -> tuple[QMessageBox, QPushButton]:
    """The question :func:`confirm` asks, and its button that goes ahead (built apart from
    ``exec`` so a test can look at it)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton)
    box.setParent(parent, box.windowFlags())
    box.setInformativeText(detail)
    role = (
        QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole
    )
    go = box.addButton(action, role)
    stay = (
        box.addButton(keep, QMessageBox.ButtonRole.RejectRole)
        if keep
        else box.addButton(QMessageBox.StandardButton.Cancel)
    )
    box.setEscapeButton(stay)
    box.setDefaultButton(stay if destructive else go)
    return box, go


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    action: str,
    detail: str = "",
    *,
    destructive: bool = False,
    keep: str = "",
) -> bool:
    """Ask before a step that cannot simply be undone; ``action`` labels the button that
    goes ahead, ``keep`` the one that does not (default Cancel: give another label when the
    step itself is a cancelling, "Keep Invoice"). A destructive step (deleting, removing)
    has the button that does not go ahead as its default."""
    box, go = confirm_box(parent, title, text, action, detail, destructive=destructive, keep=keep)
    box.exec()
    return box.clickedButton() is go


def report(parent: QWidget | None, title: str, text: str) -> None:
    """Tell what could not be done."""
    QMessageBox.warning(parent, title, text)


def ask_folder(parent: QWidget | None, title: str, start: str) -> str:
    """A folder the person picks (empty when they cancel)."""
    return QFileDialog.getExistingDirectory(parent, title, start)
