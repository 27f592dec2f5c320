"""Date arithmetic that never raises: figures derive dates from stored data of any age.

Python dates run from year 1 to 9999; a projection at a pace of one person a month, or an axis
padded around a deadline of 9999-12-31, falls outside them. Computations here clamp or give up
and say so; no page, CSV or API answer fails because a date cannot be represented.
"""

from __future__ import annotations

from datetime import date, timedelta

# Projections are only given up to the end of this century (the range the forms accept).
HORIZON_END = date(2100, 12, 31)


def shift(day: date, days: int | float | timedelta) -> date:
    """``day`` moved by ``days``, clamped to the first and last dates Python can hold."""
    if isinstance(days, timedelta):
        days = days.days
    ordinal = day.toordinal() + int(days)
    return date.fromordinal(min(max(ordinal, date.min.toordinal()), date.max.toordinal()))


def days_between(first: date, last: date) -> int:
    """Whole days from ``first`` to ``last`` (negative when ``last`` is earlier)."""
    return last.toordinal() - first.toordinal()


def within_horizon(day: date, days: int | float) -> date | None:
    """``day`` plus ``days``, or None when that falls after :data:`HORIZON_END`."""
    if day.toordinal() + days > HORIZON_END.toordinal():
        return None
    return shift(day, days)
