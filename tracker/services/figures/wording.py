"""How figures are written in sentences: dates, counts, percentages and scores."""

from __future__ import annotations

from datetime import date


def long_date(value: date | None) -> str:
    """2020-08-02 -> "2 Aug 2020" (as the pages print dates)."""
    return f"{value.day} {value:%b %Y}" if value else "–"


def honest_percent(value: float, digits: int | None = None) -> str:
    """A percentage with the precision that keeps what matters visible: 100.5 -> "100.5 %"
    (not "100 %", which hides an overshoot), 99.96 -> "99.96 %", 0.3 -> "0.3 %", 104.2 -> "104 %".

    Whole numbers unless rounding would land on 0 or 100 while the value is not exactly that;
    then as many decimals (up to 3) as it takes. ``digits`` sets a minimum number of decimals."""
    shown = digits or 0
    while shown < 3 and value not in (0, 100) and round(value, shown) in (0, 100):
        shown += 1
    return f"{value:,.{shown}f}\u00a0%"  # no-break space: "104" and "%" stay on one line
