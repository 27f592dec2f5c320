"""Pace and projection: releases per week, the projection sentence, the records behind a chart.

Built on :mod:`tracker.services.figures.progress` (the same series the API serves), for the
dashboard's charts, their tables and CSV downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import ReleaseRecord
from tracker.services.figures.calendar import HORIZON_END, days_between, shift
from tracker.services.figures.progress import PROJECTION_WINDOW_DAYS, PUBLIC, Progress, SeriesPoint
from tracker.services.figures.wording import long_date


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
        weeks[shift(point.date, -point.date.weekday())] = point.cumulative
    rows, previous = [], 0
    for week_start, cumulative in sorted(weeks.items()):
        rows.append(WeeklyReleases(week_start, cumulative - previous, cumulative))
        previous = cumulative
    return rows


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
    if progress.projection_beyond_horizon:
        return (
            f"No projection: at the pace of the last {PROJECTION_WINDOW_DAYS} days (up to the "
            f"latest record, {long_date(progress.as_of)}) the target would be reached only "
            f"after {HORIZON_END.year}."
        )
    return (
        f"No releases in the last {PROJECTION_WINDOW_DAYS} days "
        f"(up to the latest record, {long_date(progress.as_of)}): no projection."
    )


def deadline_clause(reached: date, deadline: date | None) -> str:
    """ ", N days after the deadline" / ", N days before the deadline" / ", on the deadline"."""
    if deadline is None:
        return ""
    days = days_between(deadline, reached)
    if days == 0:
        return ", on the deadline"
    unit = "day" if abs(days) == 1 else "days"
    return f", {abs(days):,} {unit} {'after' if days > 0 else 'before'} the deadline"


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
