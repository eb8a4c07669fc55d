"""The invoices page on a real migrated database: list, filters, totals, actions by state."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from invoicedesk.core.errors import StorageFullError
from invoicedesk.core.lifecycle import State, Status
from invoicedesk.db.engine import Database, open_database
from invoicedesk.services import invoices
from invoicedesk.services.inputs import InvoiceInput
from invoicedesk.services.search import InvoiceFilter
from invoicedesk.ui import operations
from invoicedesk.ui.context import AppContext
from invoicedesk.ui.invoices import actions as actions_module
from invoicedesk.ui.invoices import model as model_module
from invoicedesk.ui.invoices.filter_bar import UNPAID
from invoicedesk.ui.invoices.model import COLUMN, InvoiceTableModel, StateRole, overdue_colour
from invoicedesk.ui.invoices.page import InvoicesPage
from tests.factories import TODAY, issued_invoice, make_client, make_draft, pay

# The offscreen platform cannot pass size hints on to a window; nothing to see there.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def ctx(db):
    context = AppContext(db)
    yield context
    operations.write_pool().waitForDone(5000)  # nothing may run once the file is closed
    QThreadPool.globalInstance().waitForDone(5000)
    # Collect this test's cyclic garbage (widgets among it) here on the GUI thread, not later
    # on whichever worker thread happens to trigger a collection.
    gc.collect()


def fill_books(db: Database) -> dict[str, int]:
    """One invoice in every state, two clients, a tag: 100.00 + 19 % = 119.00 each."""
    acme = make_client(db, "Acme GmbH")
    baker = make_client(db, "Bäckerei Öztürk")
    ids = {
        "acme": acme.id,
        "baker": baker.id,
        "draft": make_draft(db, client_id=acme.id, tags=("web",)).id,
        "draft2": make_draft(db, client_id=baker.id).id,
        "open": issued_invoice(db, client_id=acme.id).id,
        "overdue": issued_invoice(db, client_id=baker.id, date=TODAY - dt.timedelta(days=60)).id,
        "part_paid": issued_invoice(db, client_id=acme.id).id,
        "paid": issued_invoice(db, client_id=baker.id).id,
        "cancelled": issued_invoice(db, client_id=acme.id).id,
    }
    pay(db, ids["part_paid"], "50.00")
    pay(db, ids["paid"], "119.00")
    invoices.cancel(db, ids["cancelled"], today=TODAY)
    return ids


@pytest.fixture(scope="module")
def books_file(tmp_path_factory, migrated_file) -> tuple[Path, dict[str, int]]:
    """The books written once per module (through the services) and copied for each test."""
    path = tmp_path_factory.mktemp("books") / "books.sqlite"
    shutil.copyfile(migrated_file, path)
    database = open_database(str(path))
    ids = fill_books(database)
    database.dispose()
    return path, ids


@pytest.fixture
def db(tmp_path, books_file):
    path = tmp_path / "test.sqlite"
    shutil.copyfile(books_file[0], path)
    database = open_database(str(path))
    yield database
    database.dispose()


@pytest.fixture
def books(books_file) -> dict[str, int]:
    return books_file[1]


def wait_idle(qtbot, page: InvoicesPage) -> None:
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=5000)


@pytest.fixture
def page(qtbot, ctx, books):
    widget = InvoicesPage(ctx, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.activateWindow()  # keyboard focus, offscreen too
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=3000)
    wait_idle(qtbot, widget)
    return widget


@pytest.fixture
def answers(monkeypatch):
    """Say yes to every question and keep the reports instead of showing them."""
    asked: list[str] = []
    reports: list[str] = []
    monkeypatch.setattr(
        actions_module, "confirm", lambda _p, _t, text, _ok, **_k: asked.append(text) or True
    )
    monkeypatch.setattr(actions_module, "report", lambda _p, _t, text: reports.append(text))
    return asked, reports


@pytest.fixture
def editor(monkeypatch):
    """Record what the page asks the invoice editor to open."""
    opened: list[int | None] = []
    monkeypatch.setattr(
        actions_module,
        "open_editor",
        lambda _ctx, invoice_id, _parent: opened.append(invoice_id),
    )
    return opened


def hear(page: InvoicesPage) -> list[tuple[str, list[int]]]:
    """What the page's operations announce on the bus, as (kind, ids)."""
    heard: list[tuple[str, list[int]]] = []
    page.ctx.bus.changed.connect(lambda kind, ids: heard.append((kind, sorted(ids))))
    return heard


def state_of(page: InvoicesPage, invoice_id: int) -> State:
    row = page.model.row_of(invoice_id)
    assert row is not None, f"invoice {invoice_id} is not listed"
    return page.model.data(page.model.index(row, COLUMN["state"]), StateRole)


def enabled(page: InvoicesPage) -> set[str]:
    return {key for key, action in page.actions_.by_key.items() if action.isEnabled()}


def test_models_pass_qt_model_tester(qtmodeltester, ctx, books, page):
    model = InvoiceTableModel(ctx.db)
    model.today = TODAY
    model.reload()
    qtmodeltester.check(model)
    qtmodeltester.check(page.model)  # the background-loading one, after its load


def test_every_state_is_listed_with_its_badge_and_overdue_stands_out(page, books):
    assert page.model.rowCount() == 7
    for key in ("draft", "open", "overdue", "part_paid", "paid", "cancelled"):
        assert state_of(page, books[key]).value == key
    row = page.model.row_of(books["overdue"])
    badge = page.model.data(page.model.index(row, COLUMN["state"]), Qt.ItemDataRole.DecorationRole)
    assert isinstance(badge, QPixmap) and not badge.isNull()
    due = page.model.data(page.model.index(row, COLUMN["due_date"]), Qt.ItemDataRole.ForegroundRole)
    assert due == overdue_colour()
    tip = page.model.data(page.model.index(row, COLUMN["state"]), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Overdue since") and "(46 days)" in tip
    draft_row = page.model.row_of(books["draft"])
    assert page.model.index(draft_row, COLUMN["number"]).data() == f"Draft {books['draft']}"
    assert page.model.index(draft_row, COLUMN["tags"]).data() == "web"


def test_filters_change_the_rows(qtbot, page, books):
    bar = page.filter_bar
    bar.set_states([State.DRAFT])
    wait_idle(qtbot, page)
    assert set(page.model.ids()) == {books["draft"], books["draft2"]}
    bar.set_states(UNPAID)
    wait_idle(qtbot, page)
    assert set(page.model.ids()) == {books["open"], books["overdue"], books["part_paid"]}
    assert bar.state_button.text() == "State: unpaid"

    bar.clear()
    bar.date_to.set_value(TODAY - dt.timedelta(days=30))
    wait_idle(qtbot, page)
    assert page.model.ids() == [books["overdue"]]

    bar.clear()
    bar.client.want()  # the client list loads when first wanted (focus, pop-up)
    wait_idle(qtbot, page)
    bar.client.set_client_id(books["baker"])
    wait_idle(qtbot, page)
    assert set(page.model.ids()) == {books["draft2"], books["overdue"], books["paid"]}

    bar.clear()
    qtbot.keyClicks(bar.tags, "WEB")
    wait_idle(qtbot, page)
    assert page.model.ids() == [books["draft"]]

    bar.clear()
    qtbot.keyClicks(bar.search, "ACME")  # (QTest aborts on keys beyond ASCII)
    wait_idle(qtbot, page)
    assert set(page.model.ids()) == {books[k] for k in ("draft", "open", "part_paid", "cancelled")}
    assert bar.clear_button.isEnabled() and bar.clear_button.text() == "Clear filters (1)"

    bar.clear()
    wait_idle(qtbot, page)
    assert page.model.rowCount() == 7
    assert not bar.clear_button.isEnabled()


def test_client_combo_completes_a_typed_name(qtbot, page, books):
    combo = page.filter_bar.client
    assert combo.count() == 1  # not loaded with the page: only when wanted
    combo.setFocus()
    wait_idle(qtbot, page)
    assert combo.count() == 3  # "All clients" and the two clients
    combo.lineEdit().setText("Öztürk")
    combo.lineEdit().editingFinished.emit()
    wait_idle(qtbot, page)
    assert combo.client_id() == books["baker"]
    assert page.model.rowCount() == 3


def test_footer_shows_the_totals_of_the_filtered_invoices(qtbot, page):
    # Seven invoices of 100.00 net, 119.00 gross; the cancelled one is listed but void, so
    # not summed; open: 119 + 119 + 69 (drafts owe nothing yet).
    assert page.footer.text() == ("7 invoices — EUR: net 600.00, gross 714.00, open 307.00")
    page.filter_bar.set_states([State.DRAFT])
    wait_idle(qtbot, page)
    assert page.footer.text() == "2 invoices — EUR: net 200.00, gross 238.00, open 0.00"


@pytest.mark.parametrize(
    ("key", "allowed"),
    [
        ("draft", {"open", "print", "issue", "clone", "delete"}),
        ("open", {"open", "print", "payment", "clone", "cancel", "credit_note"}),
        ("overdue", {"open", "print", "payment", "clone", "cancel", "credit_note"}),
        ("part_paid", {"open", "print", "payment", "clone", "credit_note"}),
        ("paid", {"open", "print", "clone", "credit_note"}),
        ("cancelled", {"open", "print", "clone", "uncancel"}),
    ],
)
def test_actions_are_enabled_where_the_state_allows(page, books, key, allowed):
    page.select_ids([books[key]])
    assert enabled(page) == allowed | {"new"}


def test_multi_selection_enables_only_what_makes_sense_for_all(page, books):
    page.select_ids([books["draft"], books["draft2"]])
    assert enabled(page) == {"new", "issue", "delete"}
    page.select_ids([books["draft"], books["open"]])
    assert enabled(page) == {"new"}
    page.select_ids([])
    assert enabled(page) == {"new"}


def test_issue_two_drafts_at_once(qtbot, page, books, answers, settle):
    asked, reports = answers
    messages: list[str] = []
    page.status_message.connect(messages.append)
    heard = hear(page)
    page.select_ids([books["draft"], books["draft2"]])
    page.actions_["issue"].trigger()
    assert operations.pending() == 1  # one operation for both drafts
    assert page.actions_.busy() and enabled(page) == {"new"}  # no second write meanwhile
    settle()
    wait_idle(qtbot, page)
    assert sorted(heard) == [("invoice", sorted([books["draft"], books["draft2"]]))]
    assert asked and asked[0].startswith("Issue 2 drafts?")
    assert reports == []
    numbers = [invoices.get_invoice(page.ctx.db, books[k]).number for k in ("draft", "draft2")]
    assert all(numbers)
    assert state_of(page, books["draft"]) is State.OPEN
    assert messages[-1].startswith("2 drafts issued: ")
    assert set(page.selected_ids()) == {books["draft"], books["draft2"]}  # kept over the reload


def test_issue_reports_each_draft_that_failed(qtbot, ctx, page, books, answers, settle):
    _asked, reports = answers
    empty = invoices.create_draft(ctx.db, InvoiceInput(client_id=books["acme"])).id
    ctx.bus.notify("invoice", [empty])
    wait_idle(qtbot, page)
    page.select_ids([books["draft"], empty])
    page.actions_["issue"].trigger()
    settle()
    wait_idle(qtbot, page)
    assert reports == [
        f"1 of 2 drafts could not be issued:\n"
        f"• Draft {empty}: add at least one line before issuing\n"
        "1 draft issued."
    ]
    assert state_of(page, empty) is State.DRAFT
    assert state_of(page, books["draft"]) is State.OPEN


class Issuing:
    """The service's ``issue``, recorded: ``fail_once[n]`` makes the n-th call fail (once),
    ``holding`` keeps the first call waiting until ``hold`` is set."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.fail_once: dict[int, BaseException] = {}
        self.hold = threading.Event()
        self.holding = False
        self._real = invoices.issue

    def __call__(self, db, invoice_id, today=None):
        self.calls.append(invoice_id)
        if self.holding and len(self.calls) == 1:
            assert self.hold.wait(10)
        failure = self.fail_once.pop(len(self.calls), None)
        if failure is not None:
            raise failure
        return self._real(db, invoice_id, today=today)


@pytest.fixture
def issuing(monkeypatch):
    fake = Issuing()
    monkeypatch.setattr(invoices, "issue", fake)
    yield fake
    fake.hold.set()  # never leave the write worker waiting


@pytest.fixture
def told(monkeypatch):
    """What the operations' failure pipeline said, by kind (no dialog blocks the test)."""
    seen: dict[str, list[str]] = {"refused": [], "retry": [], "bug": []}
    monkeypatch.setattr(operations, "tell_refused", lambda _p, _t, m: seen["refused"].append(m))
    monkeypatch.setattr(operations, "show_bug", lambda _p, s, _d: seen["bug"].append(s))
    monkeypatch.setattr(operations, "ask_retry", lambda _p, _t, m: seen["retry"].append(m) or True)
    return seen


def test_a_long_batch_shows_its_progress_and_stops_between_invoices(
    qtbot, monkeypatch, page, books, answers, issuing, settle
):
    _asked, reports = answers
    monkeypatch.setattr(operations, "PATIENCE_MS", 0)
    issuing.holding = True
    heard = hear(page)
    page.select_ids([books["draft"], books["draft2"]])
    page.actions_["issue"].trigger()

    def progress() -> QProgressDialog | None:
        shown = [w for w in page.findChildren(QProgressDialog) if w.isVisible()]
        return shown[0] if shown else None

    qtbot.waitUntil(lambda: progress() is not None, timeout=5000)
    dialog = progress()
    assert dialog.windowTitle() == "Issue drafts" and dialog.maximum() == 2
    (stop,) = [b for b in dialog.findChildren(QPushButton) if b.text() == "Stop"]
    stop.click()
    issuing.hold.set()  # the first draft is issued; then the batch sees Stop
    settle()
    wait_idle(qtbot, page)
    first = issuing.calls[0]
    assert issuing.calls == [first]
    assert heard == [("invoice", [first])]
    assert reports == ["Stopped: 1 draft left as they were.\n1 draft issued."]
    assert progress() is None
    assert {state_of(page, books[k]) for k in ("draft", "draft2")} == {State.OPEN, State.DRAFT}


def test_try_again_after_a_full_disk_carries_on_with_the_drafts_not_done(
    qtbot, page, books, answers, issuing, told, settle
):
    _asked, reports = answers
    issuing.fail_once[2] = StorageFullError("the disk is full; free some space and try again")
    heard = hear(page)
    page.select_ids([books["draft"], books["draft2"]])
    page.actions_["issue"].trigger()
    settle()
    wait_idle(qtbot, page)
    assert told["retry"] == ["The disk is full; free some space and try again."]
    first, second = issuing.calls[:2]
    assert issuing.calls == [first, second, second]  # the first is not issued twice
    assert reports == [] and told["bug"] == []
    assert sorted(heard) == [("invoice", sorted([first, second]))]
    assert state_of(page, books["draft"]) is state_of(page, books["draft2"]) is State.OPEN


def test_a_batch_ended_by_a_bug_still_announces_what_it_did(
    qtbot, page, books, answers, issuing, told, settle
):
    _asked, reports = answers
    issuing.fail_once[2] = KeyError("lost")
    heard = hear(page)
    page.select_ids([books["draft"], books["draft2"]])
    page.actions_["issue"].trigger()
    settle()
    wait_idle(qtbot, page)
    assert told["bug"] == ["KeyError: 'lost'"]  # the error dialog, with its details
    first = issuing.calls[0]
    assert heard == [("invoice", [first])]
    assert reports == ["Stopped: 1 draft left as they were.\n1 draft issued."]
    assert {state_of(page, books[k]) for k in ("draft", "draft2")} == {State.OPEN, State.DRAFT}
    page.select_ids([i for i in (books["draft"], books["draft2"]) if i != first])
    assert "issue" in enabled(page)  # the actions are back


def test_del_deletes_the_selected_drafts_after_asking(qtbot, page, books, answers, settle):
    asked, _reports = answers
    page.select_ids([books["draft"]])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    settle()
    wait_idle(qtbot, page)
    assert asked == [f"Delete Draft {books['draft']}? This cannot be undone."]
    assert page.model.row_of(books["draft"]) is None
    assert page.model.rowCount() == 6


def test_delete_of_an_issued_invoice_says_what_to_do_instead(page, books, answers):
    asked, _reports = answers
    messages: list[str] = []
    page.status_message.connect(messages.append)
    page.select_ids([books["open"]])
    page.delete_selected()
    assert asked == []
    assert messages == [
        "Only drafts can be deleted — cancel an issued invoice or write a credit note."
    ]


def test_cancel_then_uncancel(qtbot, page, books, answers, settle):
    page.select_ids([books["open"]])
    page.actions_["cancel"].trigger()
    settle()
    wait_idle(qtbot, page)
    assert state_of(page, books["open"]) is State.CANCELLED
    assert enabled(page) == {"new", "open", "print", "clone", "uncancel"}  # enabled again, by state
    page.actions_["uncancel"].trigger()
    settle()
    wait_idle(qtbot, page)
    assert state_of(page, books["open"]) is State.OPEN


def test_clone_selects_the_new_draft_and_opens_it(qtbot, page, books, editor, settle):
    heard = hear(page)
    page.select_ids([books["paid"]])
    page.actions_["clone"].trigger()
    settle()
    wait_idle(qtbot, page)
    assert page.model.rowCount() == 8
    (new_id,) = page.selected_ids()
    assert heard == [("invoice", [books["paid"], new_id])]
    assert new_id not in books.values()
    assert state_of(page, new_id) is State.DRAFT
    assert editor == [new_id]


def test_credit_note_for_a_paid_invoice(qtbot, page, books, answers, editor, settle):
    page.select_ids([books["paid"]])
    page.actions_["credit_note"].trigger()
    settle()
    wait_idle(qtbot, page)
    (new_id,) = page.selected_ids()
    view = invoices.get_invoice(page.ctx.db, new_id)
    assert view.doc_type.value == "credit_note" and view.status is Status.DRAFT
    assert view.corrects_id == books["paid"]
    assert editor == [new_id]


def test_enter_and_double_click_open_the_editor_new_opens_a_blank_one(qtbot, page, books, editor):
    page.select_ids([books["open"]])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert editor == [books["open"]]
    row = page.model.row_of(books["paid"])
    rect = page.table.visualRect(page.model.index(row, COLUMN["client"]))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert editor == [books["open"], books["paid"]]
    page.new_record()
    assert editor[-1] is None


def test_keyboard_ctrl_f_searches_f5_refreshes(qtbot, page, ctx, books):
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_bar.search.hasFocus()
    pay(ctx.db, books["open"], "10.00")  # written elsewhere, nobody told the page
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F5)
    wait_idle(qtbot, page)
    assert state_of(page, books["open"]) is State.PART_PAID


def test_changes_announced_on_the_bus_reload_and_keep_the_selection(qtbot, ctx, page, books):
    page.select_ids([books["open"]])
    pay(ctx.db, books["open"], "19.00")
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        ctx.bus.notify("payment", [books["open"]])
        ctx.bus.notify("invoice", [books["open"]])
    wait_idle(qtbot, page)
    assert page.selected_ids() == [books["open"]]
    assert state_of(page, books["open"]) is State.PART_PAID
    assert enabled(page) == {"new", "open", "print", "payment", "clone", "credit_note"}


def test_headers_sort_in_sql_tags_do_not(qtbot, page, books):
    header = page.table.horizontalHeader()
    header.setSortIndicator(COLUMN["client"], Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, page)
    names = [page.model.index(r, COLUMN["client"]).data() for r in range(page.model.rowCount())]
    assert names == sorted(names) and names[0] == "Acme GmbH"
    messages: list[str] = []
    page.status_message.connect(messages.append)
    header.setSortIndicator(COLUMN["tags"], Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == COLUMN["client"]
    assert messages == ["Tags cannot be sorted; filter by tag above instead."]


def test_a_reload_overtaken_by_a_newer_one_is_dropped(qtbot, ctx, books):
    model = InvoiceTableModel(ctx.db, background=True)
    model.today = TODAY
    model.reload(InvoiceFilter(states=(State.PAID,)))
    model.reload(InvoiceFilter(states=(State.DRAFT,)))
    qtbot.waitUntil(lambda: not model.is_loading(), timeout=5000)
    assert set(model.ids()) == {books["draft"], books["draft2"]}


def test_empty_list_says_why(qtbot, page):
    page.filter_bar.search.setText("nothing like this")
    page.filter_bar.flush()
    wait_idle(qtbot, page)
    assert page.model.rowCount() == 0
    assert page.table.empty_label.isVisibleTo(page)
    assert page.table.empty_text.startswith("No invoices match these filters.")


def test_first_block_shows_before_all_ids_and_the_rest_fills_in(qtbot, monkeypatch, ctx, books):
    monkeypatch.setattr(model_module, "BLOCK", 3)
    model = InvoiceTableModel(ctx.db, background=True)
    model.today = TODAY
    seen: list[tuple[int, int, bool, str | None]] = []

    def previewed() -> None:
        waiting = model.index(5, 0)
        flags = model.flags(waiting)
        selectable = bool(flags & Qt.ItemFlag.ItemIsSelectable)
        seen.append((model.rowCount(), len(model.ids()), selectable, model.data(waiting)))

    model.previewed.connect(previewed)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.reload()
    assert seen == [(7, 3, False, "…")]  # the count and 3 rows first; row 6 waits for its id
    assert model.rowCount() == 7 and len(model.ids()) == 7 and model.is_complete()
    assert model.index(5, COLUMN["client"]).data() in ("Acme GmbH", "Bäckerei Öztürk")


def test_selection_beyond_the_first_block_survives_a_reload(qtbot, monkeypatch, page, books):
    monkeypatch.setattr(model_module, "BLOCK", 3)
    last = page.model.ids()[-1]
    page.select_ids([last])
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.refresh()
    wait_idle(qtbot, page)
    assert page.selected_ids() == [last]


def test_in_the_main_window_the_actions_are_not_shown_twice(qtbot, db, tmp_path):
    from PySide6.QtCore import QSettings

    from invoicedesk.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(db, settings=settings)
    qtbot.addWidget(window)
    window.show()
    page = window.pages["invoices"]
    assert isinstance(page, InvoicesPage)
    window.show_page(3)
    window.show_page(0)
    qtbot.waitUntil(lambda: not page.is_busy() and page.toolbar.isHidden(), timeout=5000)
    assert page.actions_["issue"] in window.page_toolbar.actions()
    QThreadPool.globalInstance().waitForDone(5000)
    window.close()
    gc.collect()


def test_a_text_search_shows_its_first_rows_then_the_rest(qtbot, monkeypatch, ctx, books):
    monkeypatch.setattr(model_module, "BLOCK", 3)
    model = InvoiceTableModel(ctx.db, background=True)
    model.today = TODAY
    seen: list[tuple[int, bool]] = []
    model.previewed.connect(lambda: seen.append((model.rowCount(), model.count_known())))
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.reload(InvoiceFilter(search="acme"))
    assert seen == [(3, False)]  # a search is not counted up front: its rows grow after
    assert model.rowCount() == 4 and model.count_known() and model.is_complete()
    seen.clear()
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.reload(InvoiceFilter(search="RE-2026-0001"))
    assert seen == []  # fewer than a block: the first query was the whole answer
    assert model.rowCount() == 1
