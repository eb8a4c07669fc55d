"""Guards the Qt binding we ship against a known fatal bug.

PySide6 6.12.0 under Python 3.11 drops a reference to ``None`` on every Qt call
that returns nothing; a busy screen soon frees ``None`` and the interpreter
aborts ("none_dealloc"). pyproject.toml keeps PySide6 below 6.12; this test
fails (instead of the app crashing) if a release with the bug gets installed.
"""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setToolTip("x")
    assert sys.getrefcount(None) >= before - 10
