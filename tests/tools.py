"""Debian tools some tests read results with (poppler, zbar): skip with the package to
install when one is missing, so the README's test command works on any machine.

CI sets ``INVOICEDESK_REQUIRE_TOOLS=1`` (``.ci/run`` installs the packages): there a
missing tool fails the test instead, so no check is skipped unnoticed.
"""

from __future__ import annotations

import os
import shutil

import pytest

PACKAGES = {
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdffonts": "poppler-utils",
    "zbarimg": "zbar-tools",
}
REQUIRE_ENV = "INVOICEDESK_REQUIRE_TOOLS"


def need(tool: str) -> str:
    """The tool's name when it is installed; otherwise skip (or, in CI, fail) the test."""
    if shutil.which(tool) is None:
        reason = f"needs {tool} (Debian package {PACKAGES[tool]})"
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(reason + f"; {REQUIRE_ENV} is set")
        pytest.skip(reason)
    return tool
