"""The log file: uncaught exceptions and command failures leave a traceback; no password and
no full address is ever written (the conftest points the log folder at a temporary one)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from invoicedesk import logs
from invoicedesk.logs import log, log_file, redact, scrub, setup_logging


def _flush() -> None:
    for handler in log.handlers:
        handler.flush()


def _last_lines(count: int = 40) -> str:
    _flush()
    return "\n".join(log_file().read_text("utf-8").splitlines()[-count:])


def test_setup_is_idempotent_and_writes_to_the_log_folder(monkeypatch, tmp_path):
    first = setup_logging()
    assert setup_logging() == first == log_file()
    assert sum(type(h).__name__ == "RotatingFileHandler" for h in log.handlers) == 1
    monkeypatch.setenv("INVOICEDESK_LOG_DIR", str(tmp_path / "elsewhere"))
    assert log_file() == tmp_path / "elsewhere" / "invoicedesk.log"


def test_addresses_and_secrets_never_reach_the_file():
    redact("s3cret-Pa55")
    logging.getLogger("invoicedesk.services.smtp").warning(
        "login as erika.mustermann@example.com with s3cret-Pa55 refused by smtp.example.com"
    )
    text = _last_lines(1)
    assert "s3cret-Pa55" not in text and "[secret]" in text
    assert "erika.mustermann" not in text and "e…@example.com" in text
    assert "smtp.example.com" in text  # host names are no addresses


def test_scrub_keeps_ordinary_text():
    assert scrub("Invoice RE-2026-0042 for 1.234,56 €") == "Invoice RE-2026-0042 for 1.234,56 €"
    redact("ab")  # too short to be told apart from ordinary words: ignored
    assert scrub("abc") == "abc"


def test_the_hooks_log_with_the_traceback_then_hand_over(monkeypatch):
    handed: list[object] = []
    monkeypatch.setitem(logs._previous_hooks, "sys", lambda *a: handed.append(a[0]))
    monkeypatch.setitem(logs._previous_hooks, "thread", lambda args: handed.append(args))
    try:
        raise ValueError("broken on purpose for billing@acme.example")
    except ValueError:
        logs.excepthook(*sys.exc_info())
    text = _last_lines()
    assert "Uncaught exception" in text and "Traceback (most recent call last)" in text
    assert "ValueError: broken on purpose for b…@acme.example" in text
    assert handed == [ValueError]

    try:
        raise RuntimeError("thread broke")
    except RuntimeError as exc:
        args = threading.ExceptHookArgs(  # type: ignore[call-arg]
            (RuntimeError, exc, exc.__traceback__, threading.Thread(name="worker-7"))
        )
    logs.thread_excepthook(args)
    text = _last_lines()
    assert "Uncaught exception in thread worker-7" in text and "RuntimeError: thread broke" in text
    assert handed[-1] is args


def test_a_crashing_program_leaves_its_traceback_in_the_file(tmp_path: Path):
    """End to end, in a process of its own: the hooks setup_logging installs do the logging."""
    script = (
        "import threading\n"
        "from invoicedesk.logs import setup_logging\n"
        "setup_logging()\n"
        "def work():\n"
        "    raise KeyError('in a thread')\n"
        "t = threading.Thread(target=work, name='exporter'); t.start(); t.join()\n"
        "raise ZeroDivisionError('at the top')\n"
    )
    env = {**os.environ, "INVOICEDESK_LOG_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "ZeroDivisionError" in result.stderr  # still printed
    text = (tmp_path / "invoicedesk.log").read_text("utf-8")
    assert "Uncaught exception in thread exporter" in text and "KeyError: 'in a thread'" in text
    assert "Uncaught exception\n" in text or "Uncaught exception" in text.split("exporter")[1]
    assert "ZeroDivisionError: at the top" in text
