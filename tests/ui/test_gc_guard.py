"""The GUI-thread garbage collector takes over from Python's automatic one."""

import gc

from invoicedesk.ui.gc_guard import GuiThreadGarbageCollector


def test_collector_disables_automatic_gc_and_collects_on_its_timer(qtbot):
    was_enabled = gc.isenabled()
    gc.enable()
    collector = GuiThreadGarbageCollector(interval_ms=10)
    try:
        assert not gc.isenabled()

        class Cycle:
            def __init__(self):
                self.me = self

        for _ in range(gc.get_threshold()[0] + 10):
            Cycle()
        assert gc.get_count()[0] > gc.get_threshold()[0]
        qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=2000)
    finally:
        collector.stop()
        assert gc.isenabled()
        if not was_enabled:
            gc.disable()
