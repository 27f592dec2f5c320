"""What a dashboard chart is made of (figure, text summary, table rows, caption counts), and
the dashboard's filters as read from the query string. Shared by the chart builders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.models.base import ACLED_EVENT_TYPES
from tracker.services.figures import violence
from tracker.services.rules.fields import FieldError, parse_date

DEFAULT_INTERVAL = "week"


@dataclass
class DashboardParams:
    """The filters of a dashboard, read from the query string; bad values become messages."""

    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    actor: str | None = None
    actor_role: str | None = None  # None: perpetrator or claimed
    interval: str = DEFAULT_INTERVAL
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def filters(self) -> violence.ViolenceFilter:
        """The violence filter these parameters describe."""
        return violence.ViolenceFilter(
            self.date_from, self.date_to, self.event_types, self.actor, self.actor_role
        )

    def query_args(self) -> dict[str, Any]:
        """The parameters as query-string arguments (for links that keep the filters)."""
        args: dict[str, Any] = {}
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        if self.event_types:
            args["event_type"] = list(self.event_types)
        if self.actor:
            args["actor"] = self.actor
        if self.actor_role:
            args["actor_role"] = self.actor_role
        if self.interval != DEFAULT_INTERVAL:
            args["interval"] = self.interval
        return args


def parse_params(args: Mapping[str, Any]) -> DashboardParams:
    """Read ``from``, ``to``, ``event_type`` (repeatable), ``actor`` and ``interval``."""
    params = DashboardParams()
    for name, attribute in (("from", "date_from"), ("to", "date_to")):
        raw = (args.get(name) or "").strip()
        if raw:
            try:
                setattr(params, attribute, parse_date(raw, allow_future=True))
            except FieldError as error:
                params.errors[name] = f"{error} Showing all dates instead."
    if params.date_from and params.date_to and params.date_from > params.date_to:
        params.errors["to"] = "The end date is before the start date; the dates were swapped."
        params.date_from, params.date_to = params.date_to, params.date_from
    getlist = getattr(args, "getlist", None)
    raw_types = getlist("event_type") if getlist else [args.get("event_type") or ""]
    types = [t for t in raw_types if t]
    unknown = [t for t in types if t not in ACLED_EVENT_TYPES]
    if unknown:
        params.errors["event_type"] = f"Unknown event type {unknown[0]!r}; showing every type."
    else:
        params.event_types = tuple(types)
    params.actor = (args.get("actor") or "").strip()[:200] or None
    role = args.get("actor_role") or None
    if role is not None and role not in violence.ACTOR_ROLES:
        params.errors["actor_role"] = "Unknown actor role; showing perpetrators and claimants."
        role = None
    params.actor_role = role
    interval = args.get("interval") or DEFAULT_INTERVAL
    if interval not in violence.INTERVALS:
        params.errors["interval"] = "The interval must be day, week or month; showing weeks."
        interval = DEFAULT_INTERVAL
    params.interval = interval
    return params


@dataclass
class Column:
    """A column of a chart's data table and CSV: key in the row dicts, heading, kind."""

    key: str
    heading: str
    kind: str = "text"  # text, number, percent, date, records (links to release records)


@dataclass
class Chart:
    """One chart: its figure, a text summary, its data table (= CSV rows) and caption counts."""

    key: str
    title: str
    summary: str
    figure: dict[str, Any] | None
    columns: list[Column]
    rows: list[dict[str, Any]]
    records: int
    sources: int
    as_of: date | None
    note: str = ""
    sentences: list[str] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        """Whether there is anything to draw."""
        return bool(self.rows)
