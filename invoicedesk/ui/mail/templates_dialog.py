"""Email Templates: the subject and text of the emails, per document type and language.

The list shows every template set (built-in defaults and the user's own) grouped
by document type. The editor beside it changes the subject and body; a list of
placeholders inserts one at the cursor. Save stores the shown template at once
(``mail_templates.save_template``, an operation); an unknown placeholder is shown
under the field it is in. A changed built-in template can be restored; the user's
own deleted. Leaving unsaved changes asks first.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from invoicedesk.i18n import N_, ptr, tr
from invoicedesk.services import mail_templates
from invoicedesk.services.mail_templates import PLACEHOLDERS, TemplateView
from invoicedesk.services.mail_types import DocKind
from invoicedesk.ui.clients.client_dialog import LANGUAGES
from invoicedesk.ui.clients.field_errors import FieldBox, FieldErrors, error_label
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.mail import plain
from invoicedesk.ui.mail.compose_dialog import plain_text
from invoicedesk.ui.messages import confirm
from invoicedesk.ui.operations import Operation
from invoicedesk.ui.widgets.window_fit import resize_within_screen

KIND_LABELS = {
    DocKind.INVOICE: N_("Invoices"),
    DocKind.CREDIT_NOTE: N_("Credit notes"),
    DocKind.REMINDER: N_("Reminders"),
}  # marked: shown as tr(label)
KeyRole = Qt.ItemDataRole.UserRole + 1  # (name, language) of a template item


# The built-in template sets by name; the user's own are shown as they were named.
BUILT_IN_NAMES = {"invoice": N_("Invoice"), "credit_note": N_("Credit note"),
                  "reminder": N_("Reminder")}  # fmt: skip


def language_label(code: str) -> str:
    names = {"en": ptr("language", "English"), "de": ptr("language", "German")}
    return names.get(code) or LANGUAGES.get(code, code)


def template_label(name: str) -> str:
    """How a template set is named on screen: "Credit note", not its id "credit_note"."""
    return tr(BUILT_IN_NAMES[name]) if name in BUILT_IN_NAMES else name


def item_text(view: TemplateView) -> str:
    text = f"{template_label(view.name)} · {language_label(view.language)}"
    if view.built_in:
        return tr("{template} — built-in").format(template=text)
    if view.overrides_built_in:
        return tr("{template} — changed").format(template=text)
    return text


class TemplatesDialog(QDialog):
    saved = Signal(object)  # the TemplateView stored
    removed = Signal()  # a template was deleted (or its built-in text restored)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Email Templates"))
        self.setObjectName("email-templates")
        self._views: dict[tuple[str, str], TemplateView] = {}
        self._current: TemplateView | None = None  # None: a new template
        self._baseline: tuple[str, ...] = ()
        self._last_text: QWidget | None = None
        self._saving = False  # a save or removal runs on the write worker

        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setMinimumWidth(self.fontMetrics().averageCharWidth() * 32)
        self.new_button = QPushButton(tr("&New template"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.new_button)

        self.banner = error_label()
        self.errors = FieldErrors(self.banner)
        self.name = QLineEdit(placeholderText=tr("e.g. friendly"))
        self.kind = QComboBox()
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(tr(label), kind)
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(language_label(code), code)
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget, path in (
            (tr("N&ame:"), self.name, "template.name"),
            (tr("&Type:"), self.kind, "template.doc_type"),
            (tr("&Language:"), self.language, "template.language"),
            (tr("S&ubject:"), self.subject, "template.subject"),
            (tr("&Body:"), self.body, "template.body"),
        ):
            box = FieldBox(widget)
            form.addRow(label, box)
            self.errors.add(path, box, label.replace("&", "").rstrip(":"))
            plain.plain_labels(box.message)  # an error quotes what was typed
        plain.plain_labels(self.banner)
        self.state_note = QLabel()
        self.state_note.setEnabled(False)
        self.state_note.setWordWrap(True)

        self.placeholders = QListWidget()
        self.placeholders.setObjectName("placeholders")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for key, meaning in PLACEHOLDERS.items():
            item = QListWidgetItem(f"{{{key}}}")
            item.setFont(mono)
            item.setToolTip(meaning)
            item.setData(KeyRole, key)
            self.placeholders.addItem(item)
        self.placeholder_help = QLabel()
        self.placeholder_help.setWordWrap(True)
        self.placeholder_help.setEnabled(False)
        self.insert_button = QPushButton(tr("&Insert"))
        self.insert_button.setToolTip(
            tr("Insert the placeholder at the cursor (or double-click it)")
        )
        side = QVBoxLayout()
        side.addWidget(QLabel(tr("Placeholders:")))
        side.addWidget(self.placeholders, 1)
        side.addWidget(self.placeholder_help)
        side.addWidget(self.insert_button)

        editor = QWidget()
        editor_layout = QHBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        main = QVBoxLayout()
        main.addLayout(form, 1)
        main.addWidget(self.state_note)
        editor_layout.addLayout(main, 3)
        editor_layout.addLayout(side, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(editor)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        self.save_button = QPushButton(tr("&Save template"))
        self.remove_button = QPushButton(tr("&Delete"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.banner, 1)
        row.addWidget(self.remove_button)
        row.addWidget(self.save_button)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(row)

        self.tree.currentItemChanged.connect(self._chosen)
        self.new_button.clicked.connect(self.new_template)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.insert_button.clicked.connect(self.insert_placeholder)
        self.placeholders.itemDoubleClicked.connect(lambda _item: self.insert_placeholder())
        self.placeholders.currentItemChanged.connect(self._placeholder_chosen)
        for widget in (self.name, self.subject):
            widget.textChanged.connect(self._update_buttons)
        self.body.textChanged.connect(self._update_buttons)
        for combo in (self.kind, self.language):
            combo.currentIndexChanged.connect(self._update_buttons)
        self.subject.installEventFilter(self)
        self.body.installEventFilter(self)
        self._baseline = self.snapshot()  # the empty editor: nothing to lose yet
        self.reload()
        resize_within_screen(self, 1000, 620)

    # ------------------------------------------------------------------ list

    def reload(self, select: tuple[str, str] | None = None) -> None:
        views = mail_templates.list_templates(self.ctx.db)
        self._views = {(v.name, v.language): v for v in views}
        self.tree.blockSignals(True)
        self.tree.clear()
        groups: dict[DocKind, QTreeWidgetItem] = {}
        first = chosen = None
        for view in views:
            group = groups.get(view.doc_type)
            if group is None:
                group = groups[view.doc_type] = QTreeWidgetItem([tr(KIND_LABELS[view.doc_type])])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                self.tree.addTopLevelItem(group)
            item = QTreeWidgetItem([item_text(view)])
            item.setData(0, KeyRole, (view.name, view.language))
            group.addChild(item)
            first = first or item
            if (view.name, view.language) == select:
                chosen = item
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if chosen or first:
            self.tree.setCurrentItem(chosen or first)  # shows it

    def item_of(self, name: str, language: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, KeyRole) == (name, language):
                    return group.child(j)
        return None

    def _chosen(self, item: QTreeWidgetItem | None, previous: QTreeWidgetItem | None) -> None:
        key = item.data(0, KeyRole) if item is not None else None
        if key is None:
            return
        if key == self._key() or not self._may_leave():
            if previous is not None and key != self._key():
                self.tree.blockSignals(True)
                self.tree.setCurrentItem(previous)
                self.tree.blockSignals(False)
            return
        self.show_template(self._views[tuple(key)])

    def _key(self) -> tuple[str, str] | None:
        return (self._current.name, self._current.language) if self._current else None

    # ------------------------------------------------------------------ editor

    def snapshot(self) -> tuple[str, ...]:
        return (self.name.text(), str(self.kind.currentData()), str(self.language.currentData()),
                self.subject.text(), plain_text(self.body))  # fmt: skip

    def is_dirty(self) -> bool:
        return self.snapshot() != self._baseline

    def _may_leave(self) -> bool:
        return not self.is_dirty() or confirm(
            self, tr("Unsaved template"), tr("Discard the changes to this template?"),
            tr("Discard"),
            destructive=True,
        )  # fmt: skip

    def show_template(self, view: TemplateView | None, kind: DocKind = DocKind.INVOICE) -> None:
        """Show ``view`` in the editor (None: an empty new template of ``kind``)."""
        self.errors.clear()
        self._current = view
        self.name.setText(template_label(view.name) if view else "")
        self.kind.setCurrentIndex(self.kind.findData(view.doc_type if view else kind))
        language = view.language if view else "en"
        if self.language.findData(language) < 0:
            self.language.addItem(language_label(language), language)
        self.language.setCurrentIndex(self.language.findData(language))
        self.subject.setText(view.subject if view else "")
        self.body.setPlainText(view.body if view else "")
        for widget in (self.name, self.kind, self.language):
            widget.setEnabled(view is None)  # a template's identity is fixed once saved
        if view is None:
            note = tr("A new template: choose a name, the type and the language.")
        elif view.built_in:
            note = tr("Built-in template. Saving stores your text in its place.")
        elif view.overrides_built_in:
            note = tr("Your text in place of the built-in template (Restore brings it back).")
        else:
            note = tr("Your own template.")
        self.state_note.setText(note)
        self._baseline = self.snapshot()
        self._update_buttons()

    def new_template(self) -> None:
        if not self._may_leave():
            return
        kind = self._current.doc_type if self._current else DocKind.INVOICE
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(None)
        self.tree.blockSignals(False)
        self.show_template(None, kind)
        self.name.setFocus()

    def _update_buttons(self, *_args: object) -> None:
        view = self._current
        self.save_button.setEnabled(self.is_dirty() and not self._saving)
        self.remove_button.setEnabled(not self._saving)
        self.remove_button.setVisible(view is not None and not view.built_in)
        self.remove_button.setText(
            tr("&Restore built-in")
            if view is not None and view.overrides_built_in
            else tr("&Delete")
        )

    # ------------------------------------------------------------------ placeholders

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self._last_text = watched  # where Insert puts a placeholder
        return False

    def _placeholder_chosen(self, item: QListWidgetItem | None, _previous: object) -> None:
        self.placeholder_help.setText(item.toolTip() if item is not None else "")

    def insert_placeholder(self) -> None:
        item = self.placeholders.currentItem()
        if item is None:
            return
        text = item.text()
        if self._last_text is self.subject:
            self.subject.insert(text)
            self.subject.setFocus()
        else:
            self.body.insertPlainText(text)
            self.body.setFocus()

    # ------------------------------------------------------------------ saving

    def save(self) -> None:
        """Store the shown template (an operation); ``saved`` says when it is stored."""
        if self._saving:
            return
        self.errors.clear()
        name, kind, language = (
            self._current.name if self._current else self.name.text(),  # the id, not the label
            self.kind.currentData(), self.language.currentData(),
        )  # fmt: skip
        subject, body = self.subject.text(), plain_text(self.body)
        self._set_saving(True)
        Operation(
            self, self.ctx, tr("Save Template"),
            lambda db: mail_templates.save_template(db, name, kind, language, subject, body),
        ).success(self._saved).refused(self.errors.show).finally_(
            lambda: self._set_saving(False)
        ).run()  # fmt: skip

    def _saved(self, view: TemplateView) -> None:
        self._current = view
        self.reload(select=(view.name, view.language))
        self.show_template(view)
        self.saved.emit(view)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self._update_buttons()

    def remove(self) -> None:
        view = self._current
        if view is None or view.built_in or self._saving:
            return
        restoring = view.overrides_built_in
        what = f"“{template_label(view.name)}” ({language_label(view.language)})"
        if not confirm(
            self,
            tr("Restore built-in template") if restoring else tr("Delete template"),
            tr("Restore the built-in text of {template}?").format(template=what)
            if restoring
            else tr("Delete template {template}?").format(template=what),
            tr("Restore") if restoring else tr("Delete"),
            tr("Your text is removed.") if restoring else tr("This cannot be undone."),
            destructive=True,
        ):
            return

        def removed(_none: None) -> None:
            self._baseline = self.snapshot()  # nothing left to lose
            self._current = None
            self.reload(select=(view.name, view.language) if restoring else None)
            self.removed.emit()

        self._set_saving(True)
        Operation(
            self, self.ctx, tr("Restore Template") if restoring else tr("Delete Template"),
            lambda db: mail_templates.delete_template(db, view.name, view.language),
        ).success(removed).refused(lambda exc: self.errors.show_banner(exc.message)).finally_(
            lambda: self._set_saving(False)
        ).run()  # fmt: skip

    def reject(self) -> None:
        if self._saving:
            return  # a save under way: Close, Esc and the close button wait for its end
        if self._may_leave():
            super().reject()


def edit_templates(ctx: AppContext, parent: QWidget) -> TemplatesDialog:
    dialog = TemplatesDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
