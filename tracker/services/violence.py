"""Violence reports: filters shared by lists, charts, exports and the API, and SQL aggregation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select

from tracker.extensions import db
from tracker.models import Claim, PeaceProcess, ViolenceReport
from tracker.services.progress import PUBLIC

INTERVALS = ("day", "week", "month")


@dataclass(frozen=True)
class ViolenceFilter:
    """A date range, event types and an actor (matched in actor1, actor2 or claims)."""

    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    actor: str | None = None


def filtered_reports(
    process: PeaceProcess,
    filters: ViolenceFilter = ViolenceFilter(),
    statuses: Sequence[str] = PUBLIC,
) -> Select:
    """A SELECT of the process's violence reports matching ``filters`` (not yet ordered)."""
    query = select(ViolenceReport).where(
        ViolenceReport.process_id == process.id, ViolenceReport.status.in_(statuses)
    )
    return apply_filters(query, filters)


def apply_filters(query: Select, filters: ViolenceFilter) -> Select:
    """Add the filter conditions to any query over ViolenceReport."""
    if filters.date_from:
        query = query.where(ViolenceReport.event_date >= filters.date_from)
    if filters.date_to:
        query = query.where(ViolenceReport.event_date <= filters.date_to)
    if filters.event_types:
        query = query.where(ViolenceReport.event_type.in_(filters.event_types))
    if filters.actor:
        pattern = f"%{filters.actor.lower()}%"
        claimed = select(Claim.violence_report_id).where(func.lower(Claim.actor).like(pattern))
        query = query.where(
            func.lower(ViolenceReport.actor1).like(pattern)
            | func.lower(ViolenceReport.actor2).like(pattern)
            | ViolenceReport.id.in_(claimed)
        )
    return query


def period_start(day: date, interval: str) -> date:
    """The first day of the day, ISO week (Monday) or month that contains ``day``."""
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    raise ValueError(f"interval must be one of {INTERVALS}")


@dataclass(frozen=True)
class PeriodTotal:
    """Events and fatalities in one period (and one event type, when split by type)."""

    start: date
    events: int
    fatalities: int
    event_type: str | None = None


def daily_counts(
    process: PeaceProcess,
    filters: ViolenceFilter = ViolenceFilter(),
    statuses: Sequence[str] = PUBLIC,
    by_type: bool = False,
) -> list[PeriodTotal]:
    """Events and fatalities per date (and event type), aggregated in SQL."""
    columns = [ViolenceReport.event_date]
    if by_type:
        columns.append(ViolenceReport.event_type)
    query = (
        select(*columns, func.count(), func.coalesce(func.sum(ViolenceReport.fatalities), 0))
        .where(ViolenceReport.process_id == process.id, ViolenceReport.status.in_(statuses))
        .group_by(*columns)
        .order_by(*columns)
    )
    query = apply_filters(query, filters)
    rows = []
    for row in db.session.execute(query):
        if by_type:
            day, event_type, events, fatalities = row
        else:
            (day, events, fatalities), event_type = row, None
        rows.append(PeriodTotal(day, int(events), int(fatalities), event_type))
    return rows


def summary(
    process: PeaceProcess,
    interval: str = "week",
    filters: ViolenceFilter = ViolenceFilter(),
    statuses: Sequence[str] = PUBLIC,
    by_type: bool = False,
) -> list[PeriodTotal]:
    """Events and fatalities per day, week or month (optionally per event type), in date order.

    SQL groups by date (a few thousand rows at most even for 100,000 reports); the roll-up
    into weeks and months is done here because date truncation differs between SQLite and
    PostgreSQL.
    """
    totals: dict[tuple[date, str | None], list[int]] = {}
    for day in daily_counts(process, filters, statuses, by_type):
        key = (period_start(day.start, interval), day.event_type)
        bucket = totals.setdefault(key, [0, 0])
        bucket[0] += day.events
        bucket[1] += day.fatalities
    return [
        PeriodTotal(start, events, fatalities, event_type)
        for (start, event_type), (events, fatalities) in sorted(
            totals.items(), key=lambda item: (item[0][0], item[0][1] or "")
        )
    ]
