"""The files in ``resources/`` (fonts, icons), found as the package data they are installed as.

The top-level ``resources/`` folder installs as the package ``invoicedesk.resources``: in a
wheel, in an editable install (through setuptools' import finder) and in the PyInstaller
bundle alike. There is deliberately no fallback to a path beside the source tree: a build
that forgot the files must fail in its tests, not only on a user's machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

RESOURCE_PACKAGE = "invoicedesk.resources"


def resource(*parts: str) -> Traversable:
    """``resources/<parts>`` as a Traversable (read it with ``read_bytes()``)."""
    return files(RESOURCE_PACKAGE).joinpath(*parts)


@contextmanager
def resource_file(*parts: str) -> Iterator[Path]:
    """A real file path for ``resources/<parts>`` while the block runs (for libraries that
    want a file name); raises FileNotFoundError when the file was not installed."""
    item = resource(*parts)
    if not item.is_file():
        raise FileNotFoundError(f"InvoiceDesk is missing its file resources/{'/'.join(parts)}")
    with as_file(item) as path:
        yield path
