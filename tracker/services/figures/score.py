"""An agreement's implementation score (Peace Accords Matrix) over time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from tracker.models import Agreement
from tracker.services.figures.progress import PUBLIC, pam_status, progress_for, scored_commitments


@dataclass(frozen=True)
class ScorePoint:
    """An agreement's implementation score on a date."""

    date: date
    score: float | None


def score_series(
    agreement: Agreement, dates: Iterable[date], statuses: Sequence[str] = PUBLIC
) -> list[ScorePoint]:
    """The PAM implementation score on each date (progress is read once, not per date)."""
    commitments = scored_commitments(agreement, statuses)
    progress = progress_for([c for c in commitments if c.is_countable], statuses)
    points = []
    for day in sorted(set(dates)):
        if not commitments:
            points.append(ScorePoint(day, None))
            continue
        total = sum(pam_status(c, day, statuses, progress.get(c.id)) for c in commitments)
        points.append(ScorePoint(day, total / (3 * len(commitments)) * 100))
    return points


def score_dates(agreement: Agreement, statuses: Sequence[str] = PUBLIC) -> list[date]:
    """The dates on which the score can change: signing, release records, status changes."""
    commitments = scored_commitments(agreement, statuses)
    progress = progress_for([c for c in commitments if c.is_countable], statuses)
    dates = {agreement.signed_on} if agreement.signed_on else set()
    for item in progress.values():
        dates.update(point.date for point in item.series)
    for commitment in commitments:
        dates.update(
            change.changed_on for change in commitment.status_changes if change.status in statuses
        )
    return sorted(dates)
