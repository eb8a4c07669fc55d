"""Where the files in ``resources/`` live: beside the package in a source tree or an
editable install, under ``sys._MEIPASS`` in the PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """The path of ``resources/<parts>``; it is not checked to exist."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    root = Path(frozen_root) if frozen_root else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)
