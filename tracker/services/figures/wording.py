"""How figures are written in sentences and pages: dates, counts, percentages and scores.

The pages' Jinja filters (tracker/templating.py) are these same functions.
"""

from __future__ import annotations

from datetime import date


def number(value) -> str:
    """1234 -> "1,234"; None -> "–"."""
    if value is None:
        return "–"
    return f"{value:,}"


def percent(value, digits: int = 0) -> str:
    """98.34 -> "98 %" (a percentage, or a PAM score); rounded for display only."""
    if value is None:
        return "–"
    return f"{value:.{digits}f} %"


def long_date(value: date | None) -> str:
    """2020-08-02 -> "2 Aug 2020" (as the pages print dates)."""
    return f"{value.day} {value:%b %Y}" if value else "–"
