"""The exchange ratio: one side's releases over the other's, and the ratio the targets imply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.models import Commitment
from tracker.services.figures.progress import SeriesPoint, value_on


@dataclass(frozen=True)
class RatioPoint:
    """One side's releases over the other's on a date (None while the other side has none)."""

    date: date
    numerator: int
    denominator: int
    ratio: float | None


def exchange_pair(commitments: Sequence[Commitment]) -> tuple[Commitment, Commitment] | None:
    """Two countable terms that release each other's people, the larger target first.

    The Doha agreement's 5,000 for 1,000 is the pair (government releases Taliban,
    Taliban releases government); None when the process has no such pair.
    """
    countable = [c for c in commitments if c.is_countable and c.obligated_party_id]
    for first in countable:
        for second in countable:
            if (
                first is not second
                and first.obligated_party_id == second.beneficiary_party_id
                and first.beneficiary_party_id == second.obligated_party_id
                and first.target >= second.target
            ):
                return first, second
    return None


def agreed_ratio(pair: tuple[Commitment, Commitment]) -> float:
    """The ratio the targets imply: 5,000 / 1,000 = 5."""
    return pair[0].target / pair[1].target


def ratio_series(numerator: Sequence[SeriesPoint], denominator: Sequence[SeriesPoint]) -> list:
    """The exchange ratio on every date on which either side has a release record."""
    dates = sorted({p.date for p in numerator} | {p.date for p in denominator})
    points = []
    for day in dates:
        top, bottom = value_on(numerator, day), value_on(denominator, day)
        points.append(RatioPoint(day, top, bottom, top / bottom if bottom else None))
    return points


def ratio_on(numerator: Sequence[SeriesPoint], denominator: Sequence[SeriesPoint], on: date):
    """The exchange ratio on any date (None while the denominator is zero)."""
    bottom = value_on(denominator, on)
    return value_on(numerator, on) / bottom if bottom else None
