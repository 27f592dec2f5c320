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


def percent(value, digits: int | None = None) -> str:
    """98.34 -> "98 %", 100.5 -> "100.5 %" (a percentage, or a PAM score); rounded for display
    only, with the precision that shows an overshoot (see honest_percent)."""
    if value is None:
        return "–"
    return honest_percent(value, digits)


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


def side_label(commitment) -> str:
    """Who releases whom, in plain text: "Afghan government releases Taliban prisoners"; for an
    exchange that binds no one party, "The parties release detainees"."""
    unit = commitment.unit or "people"
    if commitment.obligated_party is None:
        return f"The parties release {unit}"
    obligated = commitment.obligated_party.label
    if commitment.beneficiary_party is not None:
        return f"{obligated} releases {commitment.beneficiary_party.label} {unit}"
    return f"{obligated} releases {unit}"


def releaser(commitment) -> str:
    """Who releases, short enough for a legend on a 360 px screen: "Afghan government releases"."""
    if commitment.obligated_party is None:
        return "The parties release"
    return f"{commitment.obligated_party.label} releases"
