"""One way to run work off the GUI thread: ``run_task(fn, on_done, on_error)``.

The function runs on Qt's global thread pool and must not touch widgets; it
gets ids or frozen values and opens its own database session (the services
do that). Its result or exception comes back on the GUI thread through queued
signals, so a failure reaches the user as a message, never as a silent thread
death. Long jobs use the ``Task`` they are given to report progress and to
check for cancellation.

When the app quits, :func:`cancel_all` asks every running job to stop: the thread
pools wait for their jobs in their destructors, and a batch export would otherwise
keep the quitting app alive until its last file.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from invoicedesk.core.errors import DomainError, EnvironmentFailure

log = logging.getLogger(__name__)


class Task(QObject):
    """Progress and cancel for one background job.

    The Task lives on the GUI thread; the worker emits its signals, and Qt
    queues them to the slots below, which call the callbacks on the GUI thread.
    """

    progressed = Signal(int, int)  # done, total
    finished = Signal(object)  # the result
    failed = Signal(object, str)  # the exception, its formatted traceback

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException, str], None],
        on_progress: Callable[[int, int], None] | None,
    ) -> None:
        super().__init__()
        self._cancelled = False
        # Set by the worker once its last emit has returned: the Task is deleted only
        # then (deleting it while the worker is still inside emit() crashed a test run).
        self._worker_done = threading.Event()
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self.finished.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)
        self.progressed.connect(self._deliver_progress)

    def cancel(self) -> None:
        self._cancelled = True

    def is_cancelled(self) -> bool:
        return self._cancelled

    def report(self, done: int, total: int) -> None:
        """Called by the worker: queue a progress update for the GUI."""
        self.progressed.emit(done, total)

    @Slot(object)
    def _deliver_result(self, result: object) -> None:
        try:
            self._on_done(result)
        finally:
            self._release()

    @Slot(object, str)
    def _deliver_error(self, exc: BaseException, trace: str) -> None:
        try:
            self._on_error(exc, trace)
        finally:
            self._release()

    def _release(self) -> None:
        # The Task refers to itself through its connections; delete it here, on the GUI
        # thread, rather than leave it to a garbage collection that may run on a worker —
        # and not before the worker has left emit(), which still uses the object.
        if not self._worker_done.is_set():
            QTimer.singleShot(1, self._release)
            return
        _running.discard(self)
        self.deleteLater()

    @Slot(int, int)
    def _deliver_progress(self, done: int, total: int) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total)


def _log_failure(exc: Exception) -> None:
    """A refused rule or an environment failure (locked, disk full) is one line in the
    log; anything else is logged with its traceback."""
    if isinstance(exc, DomainError):
        log.info("Background job refused: %s", exc)
    elif isinstance(exc, EnvironmentFailure):
        log.warning("Background job could not finish: %s", exc)
    else:
        log.error("Background job failed", exc_info=exc)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Task], Any], task: Task) -> None:
        super().__init__()
        self._fn = fn
        self._task = task

    def run(self) -> None:
        task = self._task
        try:
            result = self._fn(task)
        except Exception as exc:  # every failure must reach the user
            _log_failure(exc)
            self._emit(task.failed, exc, traceback.format_exc())
        else:
            self._emit(task.finished, result)
        finally:
            task._worker_done.set()  # noqa: SLF001 - the Task's own hand-over flag

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the app quit while the job ran: nobody is left to tell
            pass


_running: set[Task] = set()  # keeps each Task alive until its result has been delivered
_long_jobs: QThreadPool | None = None
_CANCEL_ON_QUIT = "invoicedesk_cancel_all_on_quit"  # app property: cancel_all is connected


def running() -> int:
    """How many jobs have started and not yet delivered their result or error."""
    return len(_running)


def cancel_all() -> None:
    """Ask every running job to stop (each stops at its next ``is_cancelled()`` check).

    Connected to ``QCoreApplication.aboutToQuit`` by the first ``run_task``.
    """
    for task in tuple(_running):  # a copy: results may be delivered meanwhile
        task.cancel()


def _cancel_all_on_quit() -> None:
    app = QCoreApplication.instance()
    if app is None or app.property(_CANCEL_ON_QUIT):
        return  # no app, or connected already: once per application
    app.setProperty(_CANCEL_ON_QUIT, True)
    app.aboutToQuit.connect(cancel_all)


def long_jobs_pool() -> QThreadPool:
    """A pool of its own for jobs that run for minutes (batch export): on two cores the
    global pool has two threads, and the lists need one to load while such a job runs."""
    global _long_jobs
    if _long_jobs is None:
        _long_jobs = QThreadPool(QCoreApplication.instance())
        _long_jobs.setMaxThreadCount(2)
    return _long_jobs


def run_task(
    fn: Callable[[Task], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException, str], None],
    on_progress: Callable[[int, int], None] | None = None,
    *,
    pool: QThreadPool | None = None,
) -> Task:
    """Run ``fn(task)`` in the background; ``on_done(result)`` or ``on_error`` follow on the GUI.

    ``pool``: where to run it (default: Qt's global pool; long jobs use long_jobs_pool()).
    """
    _cancel_all_on_quit()
    task = Task(on_done, on_error, on_progress)
    _running.add(task)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, task))
    return task
