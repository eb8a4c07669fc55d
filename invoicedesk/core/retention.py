"""Which automatic backups to keep: the newest of each of the last days, weeks and months.

A grandfather-father-son rotation over the backups' times, pure and deterministic: the
newest backup of each of the ``daily`` most recent days that have one, of each of the
``weekly`` most recent ISO weeks and of each of the ``monthly`` most recent months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Retention:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _day(moment: dt.datetime) -> Hashable:
    return moment.date()


def _week(moment: dt.datetime) -> Hashable:
    year, week, _ = moment.isocalendar()
    return (year, week)


def _month(moment: dt.datetime) -> Hashable:
    return (moment.year, moment.month)


DEFAULT_RETENTION = Retention()


def backups_to_keep(
    moments: Iterable[dt.datetime], rule: Retention = DEFAULT_RETENTION
) -> set[dt.datetime]:
    """The moments (of ``moments``) whose backups the rotation keeps."""
    newest_first = sorted(set(moments), reverse=True)
    keep: set[dt.datetime] = set()
    periods: tuple[tuple[Callable[[dt.datetime], Hashable], int], ...] = (
        (_day, rule.daily),
        (_week, rule.weekly),
        (_month, rule.monthly),
    )
    for period_of, count in periods:
        seen: set[Hashable] = set()
        for moment in newest_first:
            if len(seen) >= count:
                break
            period = period_of(moment)
            if period not in seen:
                seen.add(period)
                keep.add(moment)
    return keep
