"""Violence reports: filters shared by lists, charts, exports and the API, and SQL aggregation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, distinct, func, or_, select

from tracker.extensions import db
from tracker.models import Claim, PeaceProcess, ViolenceReport
from tracker.models.sources import violence_report_sources
from tracker.services.figures.progress import PUBLIC

INTERVALS = ("day", "week", "month")
# How an actor takes part in an event: actor1 and its associates (perpetrator), actor2 and
# its associates (target), a claim of responsibility, a denial, or any of these. Without a
# role an actor matches as perpetrator or claimant: a denial alone is not involvement.
ACTOR_ROLES = ("perpetrator", "target", "claimed", "denied", "any")


@dataclass(frozen=True)
class ViolenceFilter:
    """A date range, event types and an actor in a role (see ``ACTOR_ROLES``)."""

    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    actor: str | None = None
    actor_role: str | None = None  # None: perpetrator or claimed


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
        query = query.where(actor_condition(filters.actor, filters.actor_role))
    return query


def actor_condition(actor: str, role: str | None):
    """SQL: the report involves ``actor`` (part of a name, any case) in ``role``."""
    # The actor is text, not a pattern: % and _ typed by a viewer match themselves.
    literal = actor.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{literal}%"

    def stated(stance: str):
        claims = select(Claim.violence_report_id).where(
            Claim.stance == stance, func.lower(Claim.actor).like(pattern, escape="\\")
        )
        return ViolenceReport.id.in_(claims)

    conditions = {
        "perpetrator": func.lower(ViolenceReport.actor1).like(pattern, escape="\\")
        | func.lower(ViolenceReport.assoc_actor_1).like(pattern, escape="\\"),
        "target": func.lower(ViolenceReport.actor2).like(pattern, escape="\\")
        | func.lower(ViolenceReport.assoc_actor_2).like(pattern, escape="\\"),
        "claimed": stated("claimed"),
        "denied": stated("denied"),
    }
    if role in conditions:
        return conditions[role]
    if role == "any":
        return or_(*conditions.values())
    return conditions["perpetrator"] | conditions["claimed"]


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


# --- Comparisons and record counts: added for the dashboard (issue 5; the map's cells are
# in violence_map.py) ---


@dataclass(frozen=True)
class PeriodComparison:
    """Events and fatalities per day in a period against its baseline, with the change in %."""

    period_start: date
    period_end: date
    baseline_start: date
    baseline_end: date
    period_events: int
    period_fatalities: int
    baseline_events: int
    baseline_fatalities: int

    @property
    def period_days(self) -> int:
        """Days in the period, both ends included."""
        return (self.period_end - self.period_start).days + 1

    @property
    def baseline_days(self) -> int:
        """Days in the baseline, both ends included."""
        return (self.baseline_end - self.baseline_start).days + 1

    @property
    def events_per_day(self) -> tuple[float, float]:
        """(baseline, period) events per day."""
        return (self.baseline_events / self.baseline_days, self.period_events / self.period_days)

    @property
    def fatalities_per_day(self) -> tuple[float, float]:
        """(baseline, period) fatalities per day."""
        return (
            self.baseline_fatalities / self.baseline_days,
            self.period_fatalities / self.period_days,
        )

    @property
    def events_change(self) -> float | None:
        """Change in events per day, in percent of the baseline (None when the baseline is 0)."""
        return percent_change(*self.events_per_day)

    @property
    def fatalities_change(self) -> float | None:
        """Change in fatalities per day, in percent of the baseline."""
        return percent_change(*self.fatalities_per_day)


def percent_change(before: float, after: float) -> float | None:
    """(after - before) / before in percent; None when there is nothing to compare with."""
    return (after - before) / before * 100 if before else None


def totals_between(
    process: PeaceProcess,
    start: date,
    end: date,
    filters: ViolenceFilter = ViolenceFilter(),
    statuses: Sequence[str] = PUBLIC,
) -> tuple[int, int]:
    """Events and fatalities from ``start`` to ``end`` (inclusive), one SQL query."""
    query = select(
        func.count(ViolenceReport.id), func.coalesce(func.sum(ViolenceReport.fatalities), 0)
    ).where(
        ViolenceReport.process_id == process.id,
        ViolenceReport.status.in_(statuses),
        ViolenceReport.event_date >= start,
        ViolenceReport.event_date <= end,
    )
    # The period and its baseline are fixed by the agreement: only type and actor filters apply.
    query = apply_filters(
        query,
        ViolenceFilter(
            event_types=filters.event_types, actor=filters.actor, actor_role=filters.actor_role
        ),
    )
    events, fatalities = db.session.execute(query).one()
    return int(events), int(fatalities)


def compare_with_baseline(
    process: PeaceProcess,
    period: tuple[date, date],
    baseline: tuple[date, date],
    filters: ViolenceFilter = ViolenceFilter(),
    statuses: Sequence[str] = PUBLIC,
) -> PeriodComparison:
    """A reduction-in-violence or ceasefire period against its baseline period."""
    period_events, period_fatalities = totals_between(process, *period, filters, statuses)
    baseline_events, baseline_fatalities = totals_between(process, *baseline, filters, statuses)
    return PeriodComparison(
        period[0],
        period[1],
        baseline[0],
        baseline[1],
        period_events,
        period_fatalities,
        baseline_events,
        baseline_fatalities,
    )


@dataclass(frozen=True)
class RecordCount:
    """How many reports a view is built on, from how many distinct sources, up to which date."""

    records: int
    sources: int
    as_of: date | None


def record_count(
    process: PeaceProcess,
    filters: ViolenceFilter = ViolenceFilter(),
    statuses: Sequence[str] = PUBLIC,
) -> RecordCount:
    """Reports matching the filters, their distinct sources and latest date (SQL)."""
    reports = apply_filters(
        select(func.count(ViolenceReport.id), func.max(ViolenceReport.event_date)).where(
            ViolenceReport.process_id == process.id, ViolenceReport.status.in_(statuses)
        ),
        filters,
    )
    records, latest = db.session.execute(reports).one()
    links = violence_report_sources.c
    source_query = apply_filters(
        select(func.count(distinct(links.source_id)))
        .select_from(ViolenceReport)
        .join(violence_report_sources, links.violence_report_id == ViolenceReport.id)
        .where(ViolenceReport.process_id == process.id, ViolenceReport.status.in_(statuses)),
        filters,
    )
    return RecordCount(int(records), int(db.session.scalar(source_query) or 0), latest)


def actors(process: PeaceProcess, statuses: Sequence[str] = PUBLIC) -> list[str]:
    """The distinct perpetrators (actor1) of the process's reports, for the actor filter."""
    return list(
        db.session.scalars(
            select(ViolenceReport.actor1)
            .where(ViolenceReport.process_id == process.id, ViolenceReport.status.in_(statuses))
            .group_by(ViolenceReport.actor1)
            .order_by(ViolenceReport.actor1)
        )
    )
