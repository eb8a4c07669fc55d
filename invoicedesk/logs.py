"""The log file: where errors leave a trace a person can send to support.

One rotating file, ``invoicedesk.log`` in the per-user log folder (``$INVOICEDESK_LOG_DIR``
overrides it). Uncaught exceptions on any thread go to it with their tracebacks; the GUI
adds Qt's warnings and worker failures (see :mod:`invoicedesk.ui.crash`).

Every record passes :class:`Redactor` on its way out: e-mail addresses keep only their first
character and their domain, and the secrets the app was handed (SMTP passwords, registered
with :func:`redact`) never appear. Mail bodies are never logged in the first place.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from platformdirs import user_log_path

APP_NAME = "InvoiceDesk"
LOG_DIR_ENV = "INVOICEDESK_LOG_DIR"
LOG_FILE = "invoicedesk.log"
MAX_BYTES = 1_000_000
BACKUPS = 4  # five files of 1 MB at most
FORMAT = "%(asctime)s %(levelname)-7s [%(threadName)s] %(name)s: %(message)s"

log = logging.getLogger("invoicedesk")

# local@domain; the local part keeps its first character: "e…@example.com".
_ADDRESS = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@((?:[\w-]+\.)+[\w-]+)", re.UNICODE)
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def log_dir() -> Path:
    """The folder of the log files (created when missing)."""
    override = os.environ.get(LOG_DIR_ENV)
    path = Path(override) if override else user_log_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    return log_dir() / LOG_FILE


def redact(secret: str) -> None:
    """Never write ``secret`` into the log (a password the app was given)."""
    if len(secret) >= 3:  # shorter strings would blank out ordinary words
        with _secrets_lock:
            _secrets.add(secret)


def scrub(text: str) -> str:
    """``text`` with secrets removed and e-mail addresses shortened."""
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "[secret]")
    return _ADDRESS.sub(lambda m: f"{m.group(1)}…@{m.group(2)}", text)


class Redactor(logging.Formatter):
    """The house format, with :func:`scrub` applied to the whole line and its traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def _handler_installed() -> RotatingFileHandler | None:
    for handler in log.handlers:
        if isinstance(handler, RotatingFileHandler):
            return handler
    return None


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the app's log records to the rotating file and log uncaught exceptions.

    Idempotent: a second call in the same process changes nothing. Returns the file's path.
    """
    existing = _handler_installed()
    if existing is not None:
        return Path(existing.baseFilename)
    path = log_file()
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(Redactor(FORMAT))
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False  # our records go to the file, not to whatever the root logger does
    _install_excepthooks()
    return path


def log_exception(
    message: str,
    exc_type: type[BaseException],
    exc: BaseException,
    trace: TracebackType | None,
) -> None:
    log.error(message, exc_info=(exc_type, exc, trace))


# The hooks that were in place before ours; ours log, then hand over to them.
_previous_hooks: dict[str, object] = {}


def excepthook(
    exc_type: type[BaseException], exc: BaseException, trace: TracebackType | None
) -> None:
    """``sys.excepthook`` while the log is set up: log, then the previous hook."""
    if not issubclass(exc_type, KeyboardInterrupt):
        log_exception("Uncaught exception", exc_type, exc, trace)
    previous = _previous_hooks.get("sys", sys.__excepthook__)
    previous(exc_type, exc, trace)  # type: ignore[operator]


def thread_excepthook(args: threading.ExceptHookArgs) -> None:
    """``threading.excepthook`` while the log is set up: log, then the previous hook."""
    if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
        name = args.thread.name if args.thread else "?"
        log_exception(f"Uncaught exception in thread {name}", args.exc_type,
                      args.exc_value, args.exc_traceback)  # fmt: skip
    previous = _previous_hooks.get("thread", threading.__excepthook__)
    previous(args)  # type: ignore[operator]


def _install_excepthooks() -> None:
    _previous_hooks["sys"] = sys.excepthook
    _previous_hooks["thread"] = threading.excepthook
    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
