"""Jinja filters for numbers and dates as people read them."""

from __future__ import annotations

from datetime import date

from tracker.services.figures.wording import honest_percent


def number(value) -> str:
    """1234 -> "1,234"; None -> "–"."""
    if value is None:
        return "–"
    return f"{value:,}"


def percent(value, digits: int | None = None) -> str:
    """98.34 -> "98 %"; 100.5 -> "100.5 %"; rounded for display only (see honest_percent)."""
    if value is None:
        return "–"
    return honest_percent(value, digits)


def long_date(value: date | None) -> str:
    """2020-08-02 -> "2 Aug 2020"."""
    if value is None:
        return "–"
    return f"{value.day} {value:%b %Y}"


def init_app(app) -> None:
    """Register the filters."""
    app.add_template_filter(number)
    app.add_template_filter(percent)
    app.add_template_filter(long_date)
