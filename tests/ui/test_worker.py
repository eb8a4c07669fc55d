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
