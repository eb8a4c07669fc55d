"""Ids, limits and counts beyond SQLite's integers, or not written in ASCII digits, are a
user error with one clear line (exit 2), never an internal error (issue 10's fault list)."""

from __future__ import annotations

import pytest

from invoicedesk.cli.main import main

HUGE = "9" * 26


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["invoices", "issue", HUGE], f"no invoice with number or id '{HUGE}'"),
        (["invoices", "show", "99999999999999999999"], "no invoice with number or id"),
        (["invoices", "show", "²"], "no invoice with number or id '²'"),
        (["invoices", "list", "--limit", "1" + "0" * 30], "--limit: must be at most 9223372036"),
        (["invoices", "list", "--offset", "-3"], "--offset: must be 0 or more"),
        (["pdf", "--out", "x", "--jobs", "1" + "0" * 30], "--jobs: must be at most 256"),
        (["outbox", "cancel", HUGE], "is not a whole number from 0 to 9223372036854775807"),
        (["demo", "--invoices", "1e3"], "'1e3' is not a whole number"),
    ],
)
def test_out_of_range_numbers_are_user_errors(db, capsys, args, expected):
    assert main(["--db", str(db.path), *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and expected in err
    assert "internal error" not in err and err.count("\n") == 1


def test_a_long_number_is_quoted_short():
    from invoicedesk.cli.common import whole_number

    with pytest.raises(Exception, match="'1{20}…' is not a whole number"):
        whole_number("1" * 500)
    assert whole_number(" 42 ") == 42
