"""Progress against commitments, exactly as DOMAIN.md defines it.

Let B(d) be the sum of ``batch`` counts dated up to d. Each ``cumulative`` report (total T,
dated c <= d) anchors the reading T + (B(d) - B(c)). Progress(d) is the largest of B(d) and every
such reading, which is B(d) + max(0, max over c <= d of (T - B(c))): one pass over the dates.

Pages, the JSON API, exports and charts all call these functions, so they never disagree.
The per-date sums are computed in SQL; only one row per date reaches Python.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from tracker.extensions import db
from tracker.models import Agreement, Commitment, CommitmentStatusChange, ReleaseRecord
from tracker.services.figures.calendar import shift, within_horizon

PUBLIC = ("published",)
ALL_CURRENT = ("published", "under_review")
PROJECTION_WINDOW_DAYS = 30


@dataclass(frozen=True)
class DailyTotal:
    """One commitment's records on one date: the batch sum and the largest running total."""

    date: date
    batch_sum: int
    reported_total: int | None
    records: int


@dataclass(frozen=True)
class SeriesPoint:
    """Progress on a date that has a release record."""

    date: date
    cumulative: int


@dataclass
class Progress:
    """Where a countable commitment stands: the figures the API, pages and exports show."""

    commitment_id: int
    target: int | None
    unit: str
    deadline: date | None
    achieved: int
    percent: float | None
    as_of: date | None
    projected_completion: date | None
    completed_on: date | None
    series: list[SeriesPoint] = field(default_factory=list)
    # True when the recent pace is not zero but reaches the target only after HORIZON_END.
    projection_beyond_horizon: bool = False

    @property
    def status(self) -> int:
        """The PAM status that follows from the percentage."""
        return status_from_percent(self.percent)


def daily_totals(
    commitment_ids: Iterable[int], statuses: Sequence[str] = PUBLIC
) -> dict[int, list[DailyTotal]]:
    """Per commitment, one row per date with release records, in date order (GROUP BY in SQL)."""
    ids = list(commitment_ids)
    result: dict[int, list[DailyTotal]] = defaultdict(list)
    if not ids:
        return result
    batch = case((ReleaseRecord.kind == "batch", ReleaseRecord.count), else_=0)
    reported = case((ReleaseRecord.kind == "cumulative", ReleaseRecord.count), else_=None)
    query = (
        select(
            ReleaseRecord.commitment_id,
            ReleaseRecord.date,
            func.sum(batch),
            func.max(reported),
            func.count(),
        )
        .where(ReleaseRecord.commitment_id.in_(ids), ReleaseRecord.status.in_(statuses))
        .group_by(ReleaseRecord.commitment_id, ReleaseRecord.date)
        .order_by(ReleaseRecord.commitment_id, ReleaseRecord.date)
    )
    for commitment_id, day, batch_sum, reported_total, records in db.session.execute(query):
        result[commitment_id].append(
            DailyTotal(day, int(batch_sum or 0), reported_total, int(records))
        )
    return result


def cumulative_series(totals: Sequence[DailyTotal]) -> list[SeriesPoint]:
    """Progress on every date that has a release record, by DOMAIN.md's rule."""
    series = []
    batch_sum = 0
    best_anchor = 0  # the largest T - B(c) seen so far, floored at 0 (B(d) alone)
    for day in totals:
        batch_sum += day.batch_sum
        if day.reported_total is not None:
            best_anchor = max(best_anchor, day.reported_total - batch_sum)
        series.append(SeriesPoint(day.date, batch_sum + best_anchor))
    return series


def value_on(series: Sequence[SeriesPoint], on: date) -> int:
    """Progress on any date, from the series (0 before the first record)."""
    value = 0
    for point in series:
        if point.date > on:
            break
        value = point.cumulative
    return value


def percent_of(achieved: int, target: int | None) -> float | None:
    """Progress as a percentage of the target, unrounded; None without a target."""
    if not target:
        return None
    return achieved * 100 / target  # exact for whole-number percentages (4917 -> 98.34)


def status_from_percent(percent: float | None) -> int:
    """PAM status of a countable term: 0 at 0 %, 1 below 50 %, 2 below 100 %, 3 at or above."""
    if not percent:
        return 0
    if percent < 50:
        return 1
    if percent < 100:
        return 2
    return 3


def days_to_target(series: Sequence[SeriesPoint], target: int | None) -> int | None:
    """Days from the latest record until the target, at the pace of the 30 days before it.

    None when there is no target, when it is already reached, or when that pace is zero.
    """
    if not series or not target:
        return None
    last = series[-1]
    if last.cumulative >= target:
        return None
    window_start = shift(last.date, -PROJECTION_WINDOW_DAYS)
    gained = last.cumulative - value_on(series, window_start)
    if gained <= 0:
        return None
    per_day = gained / PROJECTION_WINDOW_DAYS
    return math.ceil((target - last.cumulative) / per_day)


def projected_completion(series: Sequence[SeriesPoint], target: int | None) -> date | None:
    """The date the target is reached at the pace of the last 30 days before the latest record.

    None when there is no target, when it is already reached, when that pace is zero, or when
    the date would fall after :data:`HORIZON_END` (see :func:`projection_beyond_horizon`).
    """
    days = days_to_target(series, target)
    return None if days is None else within_horizon(series[-1].date, days)


def projection_beyond_horizon(series: Sequence[SeriesPoint], target: int | None) -> bool:
    """Whether the recent pace reaches the target only after :data:`HORIZON_END`."""
    days = days_to_target(series, target)
    return days is not None and within_horizon(series[-1].date, days) is None


def completion_date(series: Sequence[SeriesPoint], target: int | None) -> date | None:
    """The first date on which progress reached the target, if it has."""
    if not target:
        return None
    for point in series:
        if point.cumulative >= target:
            return point.date
    return None


def progress_from_totals(
    commitment: Commitment, totals: Sequence[DailyTotal], as_of: date | None = None
) -> Progress:
    """Build a commitment's :class:`Progress` from its daily totals, optionally cut at ``as_of``."""
    series = cumulative_series(totals)
    if as_of is not None:
        series = [point for point in series if point.date <= as_of]
    achieved = series[-1].cumulative if series else 0
    return Progress(
        commitment_id=commitment.id,
        target=commitment.target,
        unit=commitment.unit,
        deadline=commitment.deadline,
        achieved=achieved,
        percent=percent_of(achieved, commitment.target),
        as_of=series[-1].date if series else None,
        projected_completion=projected_completion(series, commitment.target),
        completed_on=completion_date(series, commitment.target),
        series=series,
        projection_beyond_horizon=projection_beyond_horizon(series, commitment.target),
    )


def commitment_progress(
    commitment: Commitment, statuses: Sequence[str] = PUBLIC, as_of: date | None = None
) -> Progress:
    """Progress of one commitment, counting release records with the given review statuses."""
    totals = daily_totals([commitment.id], statuses)[commitment.id]
    return progress_from_totals(commitment, totals, as_of)


def progress_for(
    commitments: Sequence[Commitment], statuses: Sequence[str] = PUBLIC
) -> dict[int, Progress]:
    """Progress of many commitments with one query (home and process pages)."""
    totals = daily_totals([c.id for c in commitments], statuses)
    return {c.id: progress_from_totals(c, totals[c.id]) for c in commitments}


def progress_on(commitment: Commitment, on: date, statuses: Sequence[str] = PUBLIC) -> int:
    """The number achieved on a date."""
    return commitment_progress(commitment, statuses, as_of=on).achieved


def pam_status(
    commitment: Commitment,
    on: date,
    statuses: Sequence[str] = PUBLIC,
    progress: Progress | None = None,
) -> int:
    """A commitment's Peace Accords Matrix status (0-3) on a date.

    Countable terms follow from progress; the others take the latest dated status change
    with one of the review ``statuses`` (the public figure: published ones only).
    """
    if commitment.is_countable:
        progress = progress or commitment_progress(commitment, statuses)
        return status_from_percent(percent_of(value_on(progress.series, on), commitment.target))
    latest = db.session.scalar(
        select(CommitmentStatusChange.pam_status)
        .where(
            CommitmentStatusChange.commitment_id == commitment.id,
            CommitmentStatusChange.changed_on <= on,
            CommitmentStatusChange.status.in_(statuses),
        )
        .order_by(CommitmentStatusChange.changed_on.desc(), CommitmentStatusChange.id.desc())
        .limit(1)
    )
    return latest or 0


def scored_commitments(agreement: Agreement, statuses: Sequence[str] = PUBLIC) -> list[Commitment]:
    """The commitments of an agreement that count towards its score."""
    return [c for c in agreement.commitments if c.status in statuses]


def implementation_score(
    agreement: Agreement, on: date, statuses: Sequence[str] = PUBLIC
) -> float | None:
    """PAM implementation score: sum of statuses / (3 x number of terms), in percent, on a date."""
    commitments = scored_commitments(agreement, statuses)
    if not commitments:
        return None
    progress = progress_for([c for c in commitments if c.is_countable], statuses)
    total = sum(pam_status(c, on, statuses, progress.get(c.id)) for c in commitments)
    return total / (3 * len(commitments)) * 100
