"""The Outbox screen: every mail the app sends, its state, and what to do about it.

The list reloads whenever the bus says ``"mail"`` (queued, sent, failed …); a line
above it counts what waits and what needs the user's attention. Resend and
Cancel run as operations through ``services.outbox``; the changes they return reach
the bus, which also wakes the outbox runner. Open .eml hands the stored message to
the desktop's mail program.
Resend passes the state the list showed: a mail that changed meanwhile is not
touched and the person is told why. Resend of a waiting mail sends it now; a sent
mail is resent only after the person confirms a second copy.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.core.errors import DomainError
from invoicedesk.i18n import N_, ntr, ptr, tr
from invoicedesk.services import mail_settings, outbox
from invoicedesk.services.books import Books
from invoicedesk.services.mail_types import MailState, OutboxEntry
from invoicedesk.ui.clients.views import ListTable, mirror, shown_elsewhere
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.icons import icon
from invoicedesk.ui.mail import password
from invoicedesk.ui.mail.outbox_model import COLUMN, OutboxTableModel, state_label
from invoicedesk.ui.messages import confirm, report
from invoicedesk.ui.operations import Changes, Operation
from invoicedesk.ui.pdf import files

WAITING = (MailState.QUEUED, MailState.SENDING)
ATTENTION = (MailState.FAILED, MailState.UNKNOWN)


def filters() -> tuple[tuple[str, tuple[MailState, ...]], ...]:
    """The choices of "Show:", in the current language."""
    return (
        (tr("All mail"), ()),
        (ptr("mail", "Waiting"), WAITING),
        (tr("Needs attention"), ATTENTION),
        (ptr("mail", "Sent"), (MailState.SENT,)),
        (ptr("mail", "Cancelled"), (MailState.CANCELLED,)),
    )


RESENDABLE = {MailState.QUEUED, MailState.FAILED, MailState.UNKNOWN, MailState.CANCELLED,
              MailState.SENT}  # fmt: skip
CANCELLABLE = {MailState.QUEUED, MailState.FAILED, MailState.UNKNOWN}
EMPTY = N_("No mail yet. Send an invoice with “Send by email…” (Ctrl+M) on the Invoices screen.")
WIDTHS = {COLUMN["state"]: 11, COLUMN["to"]: 26, COLUMN["invoice"]: 11, COLUMN["time"]: 16,
          COLUMN["attempts"]: 7}  # fmt: skip


def status_text(waiting: int, attention: int) -> str:
    """ "3 waiting · 1 needs your attention (unknown/failed)"."""
    parts = [ntr("{n} waiting", "{n} waiting", waiting).format(n=waiting)] if waiting else []
    if attention:
        parts.append(
            ntr(
                "{n} needs your attention (unknown/failed)",
                "{n} need your attention (unknown/failed)",
                attention,
            ).format(n=attention)
        )
    return " · ".join(parts) or tr("Nothing waiting to be sent")


def eml_name(entry: OutboxEntry) -> str:
    return f"{entry.invoice_number or f'mail-{entry.id}'}.eml"


class OutboxPage(QWidget):
    """The outbox list with its filter, counts and actions."""

    status_message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self._busy = False  # a resend or cancel runs on the write worker

        self.filter = QComboBox()
        self.filter.setObjectName("outbox-filter")
        for label, states in filters():
            self.filter.addItem(label, states)
        self.counts = QLabel()
        self.counts.setObjectName("outbox-counts")
        self.setup_hint = QLabel(
            tr("Email is not set up yet — <a href='settings'>open Email Settings…</a>")
        )
        self.setup_hint.setObjectName("outbox-setup-hint")
        self.setup_hint.linkActivated.connect(lambda _link: self.open_settings())

        self.resend_action = self._action(
            tr("&Resend"), tr("Send the selected mail again"), self.resend, "send"
        )
        self.cancel_action = self._action(
            tr("Cancel &mail"),
            tr("Do not send the selected mail (Del)"),
            self.cancel_selected,
            "circle-x",
        )
        self.eml_action = self._action(
            tr("Open .&eml"),
            tr("Open the message as it was sent, in your mail program"),
            self.open_eml,
            "mail",
        )
        self.refresh_action = self._action(
            tr("Re&fresh"), tr("Load the outbox again (F5)"), self.refresh, "refresh-cw"
        )
        self.new_action = self.resend_action  # what tells whether the window shows our actions
        self.buttons = QWidget()
        buttons = QHBoxLayout(self.buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        for action in (*self.actions(), self.refresh_action):
            button = QPushButton()
            mirror(button, action)
            buttons.addWidget(button)

        self.model = OutboxTableModel(ctx.db, self)
        self.table = ListTable(tr(EMPTY))
        self.table.setObjectName("outbox-table")
        self.table.setModel(self.model)
        self.table.set_widths(WIDTHS, stretch=(COLUMN["subject"], COLUMN["error"]))
        self.table.horizontalHeader().setSectionResizeMode(
            COLUMN["state"], QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.verticalHeader().setDefaultSectionSize(max(self.fontMetrics().height() + 12, 26))

        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("&Show:"), buddy=self.filter))
        bar.addWidget(self.filter)
        bar.addSpacing(12)
        bar.addWidget(self.counts, 1)
        bar.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.setup_hint)
        layout.addWidget(self.table, 1)

        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.open_requested.connect(self.open_eml)
        self.table.delete_requested.connect(self.cancel_selected)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        ctx.bus.changed.connect(self._on_bus)
        self.refresh()

    def _action(self, text: str, tip: str, slot: Callable[[], None], icon_name: str) -> QAction:
        action = QAction(icon(icon_name), text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    # ------------------------------------------------------------------ page API

    def actions(self) -> list[QAction]:  # type: ignore[override]
        """The page's commands, for the main window's toolbar (which adds Refresh)."""
        return [self.resend_action, self.cancel_action, self.eml_action]

    def refresh(self) -> None:
        """Reload the list and the counts, keeping the selected mail."""
        self._stale = False
        keep = self.selected()
        states = self.filter.currentData() or ()
        self.model.reload(tuple(states))
        if keep is not None:
            self.select(keep.id)
        db = self.ctx.db
        self.counts.setText(
            status_text(outbox.count_outbox(db, WAITING), outbox.count_outbox(db, ATTENTION))
        )
        configured = mail_settings.is_configured(mail_settings.get_account(db))
        self.setup_hint.setVisible(not configured)
        label = self.filter.currentText()
        self.table.set_placeholder(
            tr(EMPTY) if not states else tr("No mail in “{filter}”.").format(filter=label)
        )
        self._update_actions()

    def focus_search(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def new_record(self) -> None:
        self.status_message.emit(tr("Send an invoice by email from the Invoices screen (Ctrl+M)"))

    def delete_selected(self) -> None:
        self.cancel_selected()

    def open_settings(self) -> None:
        from invoicedesk.ui.mail.settings_dialog import edit_mail_settings

        edit_mail_settings(self.ctx, self, self.status_message.emit)

    # ------------------------------------------------------------------ selection

    def selected(self) -> OutboxEntry | None:
        index = self.table.currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def select(self, mail_id: int) -> bool:
        row = self.model.row_of(mail_id)
        if row is None:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def _update_actions(self) -> None:
        entry = self.selected()
        free = entry is not None and not self._busy  # no change of a mail is under way
        self.resend_action.setEnabled(free and entry.state in RESENDABLE)
        waiting = entry is not None and entry.state is MailState.QUEUED
        tip = tr("Send the selected mail now") if waiting else tr("Send the selected mail again")
        self.resend_action.setToolTip(tip)
        self.resend_action.setStatusTip(tip)
        self.cancel_action.setEnabled(free and entry.state in CANCELLABLE)
        self.eml_action.setEnabled(entry is not None)

    # ------------------------------------------------------------------ actions

    def resend(self) -> None:
        """Resend the selected mail as the list shows it (a waiting one: send it now).

        The service changes it only while it is still in the state shown here: a mail
        the outbox delivered (or someone cancelled) meanwhile is not queued again on a
        stale decision; the person is told and the list is loaded again."""
        entry = self.selected()
        if entry is None or entry.state not in RESENDABLE:
            return
        what = entry.invoice_number or f"“{entry.subject}”"
        warning = {
            MailState.UNKNOWN: tr(
                "It may have arrived already: the connection dropped while it was handed "
                "over. Check with the recipient before you send it again."
            ),
            MailState.SENT: tr("It was sent already; the recipients get it a second time."),
        }.get(entry.state, "")
        if warning and not confirm(
            self,
            tr("Resend mail"),
            tr("Send {what} to {to} again?").format(what=what, to=", ".join(entry.to)),
            tr("Resend"),
            warning,
        ):
            return
        account = mail_settings.get_account(self.ctx.db)
        if not password.ensure(self, account):
            self.status_message.emit(tr("Not resent: the mail server's password is needed"))
            return
        if entry.state is MailState.QUEUED:
            now = tr("{what} will be sent now").format(what=what)
            self._change(entry, outbox.send_now, tr("Send Mail"), now, tr("Not sent"))
            return
        shown = entry.state

        def resend(db: Books, mail_id: int) -> OutboxEntry:
            return outbox.resend(db, mail_id, expected=shown, allow_sent=shown is MailState.SENT)

        queued = tr("{what} queued to be sent again").format(what=what)
        self._change(entry, resend, tr("Resend Mail"), queued, tr("Not resent"))

    def cancel_selected(self) -> None:
        entry = self.selected()
        if entry is None or entry.state not in CANCELLABLE:
            return
        what = entry.invoice_number or f"“{entry.subject}”"
        if entry.state is MailState.QUEUED and not confirm(
            self,
            tr("Cancel mail"),
            tr("Cancel the mail of {what} to {to}?").format(what=what, to=", ".join(entry.to)),
            tr("Cancel mail"),
            tr("It will not be sent. You can send it again later with Resend."),
            destructive=True,
        ):
            return
        cancelled = tr("Mail of {what} cancelled").format(what=what)
        self._change(entry, outbox.cancel, tr("Cancel Mail"), cancelled, tr("Not cancelled"))

    def _change(
        self, entry: OutboxEntry, call: Callable[[Books, int], OutboxEntry], title: str,
        done: str, failure: str,
    ) -> None:  # fmt: skip
        mail_id = entry.id

        def refused(error: DomainError) -> None:
            report(self, failure, error.message)
            self.refresh()

        def changed(result: OutboxEntry) -> None:
            self.select(result.id)
            self.status_message.emit(f"{done} ({state_label(result.state).lower()})")

        self._busy = True
        self._update_actions()  # one change at a time
        Operation(
            self, self.ctx, title,
            lambda db: call(db, mail_id),
            changes=lambda result: Changes.of(mail=[mail_id, result.id]),  # the runner hears it
        ).success(changed).refused(refused).finally_(self._change_ended).run()  # fmt: skip

    def _change_ended(self) -> None:
        self._busy = False
        self._update_actions()

    def open_eml(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        try:
            content = outbox.eml_bytes(self.ctx.db, entry.id)
            path = files.temp_copy(eml_name(entry), content)
        except (DomainError, OSError) as exc:
            report(self, tr("Message not opened"), files.error_text(exc))
            return
        if not files.open_url(QUrl.fromLocalFile(str(path))):
            report(
                self,
                tr("Message not opened"),
                tr("No program to show .eml files was found. The file is at {path}.").format(
                    path=path
                ),
            )
            return
        self.status_message.emit(tr("{name} opened in your mail program").format(name=path.name))

    # ------------------------------------------------------------------ events

    def _on_bus(self, kind: str, _ids: list[int]) -> None:
        if kind not in ("mail", "settings"):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        QTimer.singleShot(0, self._place_buttons)
        if self._stale:
            self.refresh()

    def _place_buttons(self) -> None:
        self.buttons.setVisible(not shown_elsewhere(self.new_action, self))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        # Reached only when no window-wide shortcut took the key (the page on its own).
        if event.matches(QKeySequence.StandardKey.Refresh) or event.key() == Qt.Key.Key_F5:
            self.refresh()
        else:
            super().keyPressEvent(event)
