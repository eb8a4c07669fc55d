"""``run_task`` for these screens, with the task's Qt object deleted on the GUI thread.

A ``Task`` is referenced from its own signal connections, a reference cycle, so
once it has reported, Python's garbage collector frees it some time later — on
whichever thread happens to trigger a collection, often a worker busy with SQL.
Destroying a QObject of the GUI thread there can crash the app. Deleting the
task's C++ object right after its report (``deleteLater``, on the GUI thread)
leaves the collector only a harmless empty wrapper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6

from invoicedesk.ui.worker import Task, run_task


def run_in_background(
    fn: Callable[[Task], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException, str], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> Task:
    """As :func:`invoicedesk.ui.worker.run_task`; the task is disposed of after its report."""
    holder: list[Task] = []

    def done(result: Any) -> None:
        try:
            on_done(result)
        finally:
            _dispose(holder)

    def failed(exc: BaseException, trace: str) -> None:
        try:
            on_error(exc, trace)
        finally:
            _dispose(holder)

    holder.append(run_task(fn, done, failed, on_progress))
    return holder[0]


def _dispose(holder: list[Task]) -> None:
    if holder and shiboken6.isValid(holder[0]):
        holder[0].deleteLater()
    holder.clear()
