"""run_task's jobs and quitting: aboutToQuit asks every running job to stop."""

from __future__ import annotations

import threading

from PySide6.QtCore import SIGNAL, QCoreApplication, QThreadPool

from invoicedesk.ui.worker import Task, long_jobs_pool, run_task


def test_quitting_asks_every_running_job_to_stop(qtbot):
    release = threading.Event()

    def job(task: Task) -> bool:
        release.wait(10)  # until the test has "quit"
        return task.is_cancelled()

    results: list[object] = []
    tasks = [
        run_task(job, results.append, lambda exc, _trace: results.append(exc)),
        run_task(
            job, results.append, lambda exc, _trace: results.append(exc), pool=long_jobs_pool()
        ),
    ]
    app = QCoreApplication.instance()
    assert app.receivers(SIGNAL("aboutToQuit()")) == 1  # connected once, however many jobs
    assert not any(task.is_cancelled() for task in tasks)
    with qtbot.waitSignals([task.finished for task in tasks], timeout=10000):
        app.aboutToQuit.emit()
        release.set()
    assert results == [True, True]
    QThreadPool.globalInstance().waitForDone(10000)
    long_jobs_pool().waitForDone(10000)


def test_a_failing_job_is_logged_with_its_traceback_a_refusal_in_one_line(qtbot):
    from invoicedesk.core.errors import DomainError
    from invoicedesk.logs import log, log_file

    def broken(_task: Task) -> None:
        raise LookupError("no such row")

    def refused(_task: Task) -> None:
        raise DomainError("the invoice is issued", "lines")

    errors: list[BaseException] = []
    for count, job in enumerate((broken, refused), start=1):
        run_task(job, errors.append, lambda exc, _trace: errors.append(exc))
        qtbot.waitUntil(lambda count=count: len(errors) == count, timeout=10000)
    assert [type(e) for e in errors] == [LookupError, DomainError]  # the user is still told
    for handler in log.handlers:
        handler.flush()
    text = log_file().read_text("utf-8")
    assert "Background job failed" in text and "LookupError: no such row" in text
    assert "Traceback (most recent call last)" in text.split("Background job failed")[-1]
    assert "Background job refused: lines: the invoice is issued" in text
    QThreadPool.globalInstance().waitForDone(10000)
