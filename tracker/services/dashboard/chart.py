"""What a dashboard chart is made of (figure, text summary, table rows, caption counts), and
the dashboard's filters as read from the query string. Shared by the chart builders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.services.figures import violence
from tracker.services.rules.filters import DEFAULT_INTERVAL, filters_from_request


@dataclass
class DashboardParams:
    """The filters of a dashboard, read from the query string; bad values become messages."""

    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    actor: str | None = None
    interval: str = DEFAULT_INTERVAL
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def filters(self) -> violence.ViolenceFilter:
        """The violence filter these parameters describe."""
        return violence.ViolenceFilter(self.date_from, self.date_to, self.event_types, self.actor)

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
        if self.interval != DEFAULT_INTERVAL:
            args["interval"] = self.interval
        return args


CONSEQUENCES = {
    "from": "showing all dates instead",
    "to": "showing all dates instead",
    "event_type": "showing every type",
    "actor": "showing every actor",
    "interval": "showing weeks",
}


def parse_params(args: Mapping[str, Any]) -> DashboardParams:
    """Read ``from``, ``to``, ``event_type`` (repeatable), ``actor`` and ``interval``; a bad
    one is left out with a message saying so (the page still shows everything else)."""
    found = filters_from_request(args, CONSEQUENCES)
    values = found.values
    params = DashboardParams(
        date_from=values.get("from"),
        date_to=values.get("to"),
        event_types=values.get("event_type", ()),
        actor=values.get("actor"),
        interval=values.get("interval", DEFAULT_INTERVAL),
        errors={name: f"{error}; {CONSEQUENCES[name]}." for name, error in found.errors.items()},
    )
    if params.date_from and params.date_to and params.date_from > params.date_to:
        params.errors["to"] = "The end date is before the start date; the dates were swapped."
        params.date_from, params.date_to = params.date_to, params.date_from
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
