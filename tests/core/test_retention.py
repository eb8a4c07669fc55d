"""The backup rotation keeps the newest of each of the last days, weeks and months."""

from __future__ import annotations

import datetime as dt

from invoicedesk.core.retention import Retention, backups_to_keep


def test_one_backup_a_day_for_a_year_keeps_7_days_4_weeks_12_months():
    start = dt.datetime(2026, 1, 1, 18, 0)
    moments = [start + dt.timedelta(days=n) for n in range(365)]  # up to 2026-12-31
    keep = backups_to_keep(moments)
    newest = max(moments)
    assert {newest - dt.timedelta(days=n) for n in range(7)} <= keep  # the last seven days
    # Each of the 12 months is there by its newest backup: the last day of the month.
    month_ends = {max(m for m in moments if m.month == month) for month in range(1, 13)}
    assert month_ends <= keep
    assert len(keep) <= 7 + 4 + 12 and len(keep) >= 12 + 7 - 1  # overlaps share a backup
    assert min(keep) == dt.datetime(2026, 1, 31, 18, 0)


def test_several_backups_a_day_keep_the_newest_of_each_day():
    day = dt.datetime(2026, 12, 7)
    moments = [day.replace(hour=h) for h in (9, 12, 17)]
    assert backups_to_keep(moments, Retention(daily=1, weekly=0, monthly=0)) == {moments[-1]}


def test_nothing_to_keep_from_nothing():
    assert backups_to_keep([]) == set()
