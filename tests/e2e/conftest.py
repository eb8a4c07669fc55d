"""GUI tests run headless, and Python collects garbage only on the GUI thread.

An automatic collection triggered on a worker thread would destroy leftover Qt
widgets there and crash Qt (see invoicedesk/ui/gc_guard.py); so during a GUI test
the automatic collector is off, and each test's garbage is collected at teardown.
"""

import gc
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread():
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()

