"""GUI tests run headless, and Python collects garbage only on the GUI thread.

An automatic collection triggered on a worker thread would destroy leftover Qt
widgets there and crash Qt (see invoicedesk/ui/gc_guard.py); so during a GUI test
the automatic collector is off, and the garbage is collected at teardown.

That collection stays cheap: after each test only the young generations (what the
test made), and the whole heap only every :data:`FULL_EVERY` tests. A full collection
after every test scanned every imported module's objects again and took three
quarters of the GUI tests' time.
"""

import gc
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FULL_EVERY = 20
_teardowns = 0


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread():
    global _teardowns
    gc.disable()
    try:
        yield
    finally:
        _teardowns += 1
        gc.collect(2 if _teardowns % FULL_EVERY == 0 else 1)
        gc.enable()

