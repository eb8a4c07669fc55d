"""Text checks: every character the slow check refuses is caught by the fast pre-check."""

from __future__ import annotations

import sys
import unicodedata

from invoicedesk.services.validation import _SUSPECT, invalid_character


def test_the_fast_check_covers_every_character_that_can_be_refused() -> None:
    refused = [
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Zl", "Zp", "Cs")
    ]
    assert len(refused) > 2000  # the surrogates are among them
    assert all(_SUSPECT.search(char) for char in refused)


def test_what_is_refused_and_what_is_kept() -> None:
    assert invalid_character("Müller & Söhne 😀 — 株式会社") is None
    assert invalid_character("a\tb\nc", multiline=True) is None
    assert "line break" in (invalid_character("a\nb") or "")
    assert "U+0000" in (invalid_character("a\x00b", multiline=True) or "")
    assert "lone surrogate" in (invalid_character("a\ud800") or "")
    assert "U+2028" in (invalid_character("a\u2028b") or "")
