"""Python's garbage collector runs only on the GUI thread while the app is up.

An automatic collection runs in whichever thread happens to allocate. If it
finds a cycle holding Qt widgets while a worker thread allocates, it destroys
those widgets on that thread and Qt crashes. So automatic collection is
switched off and a timer on the GUI thread collects instead (the approach
long-lived PyQt applications use).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts = gc.get_count()
        if counts[0] > self._threshold[0]:
            generation = 0
            if counts[1] > self._threshold[1]:
                generation = 2 if counts[2] > self._threshold[2] else 1
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
