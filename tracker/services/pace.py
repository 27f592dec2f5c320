"""Exchange ratio, pace, projections and the implementation score over time.

Built on :mod:`tracker.services.progress` (the same series the API serves), for the dashboard's
charts, their tables and CSV downloads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Agreement, Commitment, ReleaseRecord
from tracker.services.progress import (
    PROJECTION_WINDOW_DAYS,
    PUBLIC,
    Progress,
    SeriesPoint,
    pam_status,
    progress_for,
    scored_commitments,
    value_on,
)


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


@dataclass(frozen=True)
class WeeklyReleases:
    """People released in one ISO week (Monday start), from the progress series."""

    week_start: date
    released: int
    cumulative: int


def weekly_releases(series: Sequence[SeriesPoint]) -> list[WeeklyReleases]:
    """Progress gained in each week that has a record: the week-end total minus the previous."""
    weeks: dict[date, int] = {}
    for point in series:
        # Progress never falls, so the last point of a week is its end-of-week total.
        weeks[point.date - timedelta(days=point.date.weekday())] = point.cumulative
    rows, previous = [], 0
    for week_start, cumulative in sorted(weeks.items()):
        rows.append(WeeklyReleases(week_start, cumulative - previous, cumulative))
        previous = cumulative
    return rows


def recent_pace(series: Sequence[SeriesPoint]) -> float:
    """People per day over the 30 days up to the latest record (0 without records)."""
    if not series:
        return 0.0
    last = series[-1]
    start = last.date - timedelta(days=PROJECTION_WINDOW_DAYS)
    return max(0, last.cumulative - value_on(series, start)) / PROJECTION_WINDOW_DAYS


def projection_sentence(progress: Progress) -> str:
    """The plain sentence under the pace chart, from the same figures as the API.

    "Target reached on D, N days after the deadline", "At the current pace the target is
    reached on D", or "No releases in the last 30 days".
    """
    if not progress.target:
        return "This term has no numeric target."
    if not progress.series:
        return "No releases recorded yet."
    if progress.completed_on:
        sentence = f"Target reached on {long_date(progress.completed_on)}"
        return sentence + deadline_clause(progress.completed_on, progress.deadline) + "."
    if progress.projected_completion:
        reached = long_date(progress.projected_completion)
        sentence = f"At the current pace the target is reached on {reached}"
        return sentence + deadline_clause(progress.projected_completion, progress.deadline) + "."
    return (
        f"No releases in the last {PROJECTION_WINDOW_DAYS} days "
        f"(up to the latest record, {long_date(progress.as_of)}): no projection."
    )


def deadline_clause(reached: date, deadline: date | None) -> str:
    """ ", N days after the deadline" / ", N days before the deadline" / ", on the deadline"."""
    if deadline is None:
        return ""
    days = (reached - deadline).days
    if days == 0:
        return ", on the deadline"
    unit = "day" if abs(days) == 1 else "days"
    return f", {abs(days):,} {unit} {'after' if days > 0 else 'before'} the deadline"


def long_date(value: date | None) -> str:
    """2020-08-02 -> "2 Aug 2020" (as the pages print dates)."""
    return f"{value.day} {value:%b %Y}" if value else "–"


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
        dates.update(change.changed_on for change in commitment.status_changes)
    return sorted(dates)


@dataclass(frozen=True)
class ReleaseCount:
    """How many release records a chart is built on, from how many sources, up to which date."""

    records: int
    sources: int
    as_of: date | None


def published_releases(
    commitment_ids: Sequence[int],
    date_from: date | None = None,
    date_to: date | None = None,
    statuses: Sequence[str] = PUBLIC,
) -> list[ReleaseRecord]:
    """The release records of these commitments (with their sources), in date order."""
    if not commitment_ids:
        return []
    query = (
        select(ReleaseRecord)
        .options(selectinload(ReleaseRecord.sources))
        .where(ReleaseRecord.commitment_id.in_(commitment_ids), ReleaseRecord.status.in_(statuses))
        .order_by(ReleaseRecord.date, ReleaseRecord.id)
    )
    if date_from:
        query = query.where(ReleaseRecord.date >= date_from)
    if date_to:
        query = query.where(ReleaseRecord.date <= date_to)
    return list(db.session.scalars(query))


def release_count(records: Sequence[ReleaseRecord]) -> ReleaseCount:
    """Records, distinct sources and the latest date of a list of release records."""
    sources = {source.id for record in records for source in record.sources}
    return ReleaseCount(len(records), len(sources), max((r.date for r in records), default=None))
