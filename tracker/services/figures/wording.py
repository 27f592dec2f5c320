"""How figures are written in sentences: dates, counts, percentages and scores."""

from __future__ import annotations

from datetime import date


def long_date(value: date | None) -> str:
    """2020-08-02 -> "2 Aug 2020" (as the pages print dates)."""
    return f"{value.day} {value:%b %Y}" if value else "–"
