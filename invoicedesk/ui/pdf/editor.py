"""PDFs in the invoice editor: the PDF actions in its Invoice menu, Preview PDF beside
Close, and the "Archived PDFs" tab of an issued invoice.

The editor makes one ``EditorPdf`` after laying itself out; from then on this
module follows the editor's signals (loaded, saved, issued) on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from invoicedesk.i18n import tr
from invoicedesk.ui.pdf.actions import PdfActions, PdfTarget
from invoicedesk.ui.pdf.versions import ArchivedPdfsPanel

if TYPE_CHECKING:
    from invoicedesk.ui.invoice_editor.window import InvoiceEditor


def mirror(action: QAction, text: str | None = None) -> QPushButton:
    """A push button that follows ``action`` (enabled, visible, tooltip)."""
    button = QPushButton(text or action.text().replace("&", ""))

    def sync() -> None:
        button.setEnabled(action.isEnabled())
        button.setVisible(action.isVisible())
        button.setToolTip(action.toolTip())

    button.clicked.connect(action.trigger)
    action.changed.connect(sync)
    sync()
    return button


class EditorPdf(QObject):
    def __init__(self, editor: InvoiceEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.actions = PdfActions(editor.ctx, editor, self.targets)
        self.actions.status_message.connect(self._say)
        for action in self.actions.all():
            editor.addAction(action)  # Ctrl+P anywhere in the window

        menu = editor.invoice_menu
        before = editor.ops.close
        menu.insertSeparator(before)
        for action in self.actions.all():
            menu.insertAction(before, action)
        menu.insertSeparator(before)

        self.preview_button = mirror(self.actions["preview"], tr("Preview PDF"))
        row = editor.button_row
        row.insertWidget(row.indexOf(editor.close_button), self.preview_button)

        self.panel = ArchivedPdfsPanel(editor.ctx, editor)
        self.panel.add_button(mirror(self.actions["archive"], tr("Archive new version…")))
        self.tab = editor.tabs.addTab(self.panel, tr("Archived &PDFs"))

        editor.reloaded.connect(self.update)
        editor.saved.connect(lambda _id: self.update())
        self.update()

    def targets(self) -> list[PdfTarget]:
        view = self.editor.view
        if view is None:
            return []
        return [PdfTarget(view.id, view.doc_type, view.number, not view.is_draft)]

    def update(self) -> None:
        if not shiboken6.isValid(self.editor):
            return
        targets = self.targets()
        self.actions.update_for(targets)
        issued = bool(targets) and targets[0].issued
        self.editor.tabs.setTabVisible(self.editor.tabs.indexOf(self.panel), issued)
        self.actions["archive"].setVisible(issued)
        if issued:
            self.panel.show_invoice(targets[0].id, targets[0].title)
        else:
            self.panel.show_invoice(None, "")
        if targets and not issued:
            self.actions["preview"].setToolTip(
                tr("Show the PDF of the draft as last saved, with its DRAFT watermark (Ctrl+P)")
            )

    def _say(self, message: str) -> None:
        if message and shiboken6.isValid(self.editor) and not self.editor.problems:
            self.editor.problem_display.notice(message)
