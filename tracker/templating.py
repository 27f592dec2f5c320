"""Jinja filters for numbers and dates as people read them (figures/wording.py)."""

from __future__ import annotations

from tracker.services.figures.wording import long_date, number, percent


def init_app(app) -> None:
    """Register the filters."""
    app.add_template_filter(number)
    app.add_template_filter(percent)
    app.add_template_filter(long_date)
