"""Figures of the violence charts: events and fatalities over time, periods against baselines,
and the incident map.

Built as plain dicts from the SQL aggregates of :mod:`tracker.services.figures.violence` (no
``graph_objects`` validation: at 100,000 reports every byte and millisecond counts). Days and
weeks are evenly spaced, so their bars carry ``x0``/``dx`` and one number per period instead of
a date string per point; that keeps a three-year daily chart well under 200 KB.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tracker.models import Milestone
from tracker.models.base import ACLED_EVENT_TYPES
from tracker.services.dashboard.plot_releases import FONT, base_layout, plotly_text
from tracker.services.figures.calendar import days_between, shift
from tracker.services.figures.violence import MapCell, PeriodComparison, PeriodTotal

EVENT_COLOURS = {
    "Battles": "#c0392b",
    "Explosions/Remote violence": "#b9770e",
    "Violence against civilians": "#8e44ad",
    "Protests": "#1f5fa8",
    "Riots": "#117a65",
    "Strategic developments": "#5a6370",
}
DAY_MS = 24 * 3600 * 1000
# Evenly spaced bars fill every period between the first and the last, empty ones included; over
# a longer span (reports dated centuries apart) only the periods with reports are sent.
MAX_EVEN_PERIODS = 20_000


def period_starts(first: date, last: date, interval: str) -> list[date]:
    """Every period start from ``first`` to ``last`` (day or week steps)."""
    step = 7 if interval == "week" else 1
    return [shift(first, days) for days in range(0, days_between(first, last) + 1, step)]


def evenly_spaced(totals: Sequence[PeriodTotal], interval: str) -> bool:
    """Whether the bars can carry ``x0``/``dx``: days or weeks over a span of sane length."""
    if interval not in ("day", "week") or not totals:
        return False
    span = days_between(totals[0].start, totals[-1].start)
    return span // (7 if interval == "week" else 1) < MAX_EVEN_PERIODS


def stacked_traces(
    totals: Sequence[PeriodTotal], interval: str, field: str, axis: str, show_legend: bool
) -> list[dict[str, Any]]:
    """One bar trace per event type of ``field`` (events or fatalities), stacked."""
    types = [t for t in ACLED_EVENT_TYPES if any(row.event_type == t for row in totals)]
    values = {(row.start, row.event_type): getattr(row, field) for row in totals}
    traces = []
    if evenly_spaced(totals, interval):
        starts = period_starts(totals[0].start, totals[-1].start, interval)
        spacing = {"x0": starts[0].isoformat(), "dx": DAY_MS * (7 if interval == "week" else 1)}
    else:
        starts = sorted({row.start for row in totals})
        spacing = {"x": [s.isoformat() for s in starts]}
    label = "Week of " if interval == "week" else ""
    for event_type in types:
        traces.append(
            {
                "type": "bar",
                **spacing,
                "y": [values.get((start, event_type), 0) for start in starts],
                "name": event_type,
                "legendgroup": event_type,
                "showlegend": show_legend,
                "marker": {"color": EVENT_COLOURS.get(event_type, "#777")},
                "xaxis": "x",
                "yaxis": axis,
                "hovertemplate": f"{label}%{{x|%d %b %Y}}: %{{y:,}} {field} ({event_type})"
                "<extra></extra>",
            }
        )
    return traces


def period_shapes(milestones: Sequence[Milestone], periods: Sequence[tuple[date, date, str]]):
    """Shaded bands for agreement periods and milestone periods, lines for one-day milestones."""
    shapes, annotations = [], []
    for start, end, label in periods:
        shapes.append(band(start, end, "#2e7d32", 0.15))
        annotations.append(
            {
                "x": start.isoformat(),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": plotly_text(label),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"color": "#2e7d32"},
            }
        )
    for milestone in milestones:
        if milestone.end_date:
            shapes.append(band(milestone.date, milestone.end_date, "#999", 0.12))
        else:
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": milestone.date.isoformat(),
                    "x1": milestone.date.isoformat(),
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#888", "width": 1, "dash": "dot"},
                }
            )
    return shapes, annotations


def band(start: date, end: date, colour: str, opacity: float) -> dict[str, Any]:
    """A shaded vertical band from ``start`` to the end of ``end``."""
    return {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": start.isoformat(),
        "x1": shift(end, 1).isoformat(),
        "y0": 0,
        "y1": 1,
        "fillcolor": colour,
        "opacity": opacity,
        "line": {"width": 0},
        "layer": "below",
    }


def count_axis(totals: Sequence[PeriodTotal], field: str) -> dict[str, Any]:
    """Axis settings for whole counts: no "0.5 events" ticks when the bars are short."""
    per_period: dict[date, int] = {}
    for row in totals:
        per_period[row.start] = per_period.get(row.start, 0) + getattr(row, field)
    axis: dict[str, Any] = {"tickformat": ",d"}
    if max(per_period.values(), default=0) <= 5:
        axis["dtick"] = 1
    return axis


def violence_figure(
    totals: Sequence[PeriodTotal],
    interval: str,
    milestones: Sequence[Milestone] = (),
    periods: Sequence[tuple[date, date, str]] = (),
) -> dict[str, Any]:
    """Events (top) and fatalities (bottom) per period, stacked by event type."""
    data = stacked_traces(totals, interval, "events", "y", True)
    data += stacked_traces(totals, interval, "fatalities", "y2", False)
    shapes, annotations = period_shapes(milestones, periods)
    per = {"day": "per day", "week": "per week", "month": "per month"}[interval]
    layout = base_layout("Date", f"Events {per}", barmode="stack", bargap=0.1)
    layout.update(
        {
            "yaxis": {
                "title": {"text": f"Events {per}"},
                "domain": [0.55, 1],
                "rangemode": "tozero",
                "gridcolor": "#eee",
                **count_axis(totals, "events"),
            },
            "yaxis2": {
                "title": {"text": f"Fatalities {per}"},
                "domain": [0, 0.45],
                "rangemode": "tozero",
                "gridcolor": "#eee",
                **count_axis(totals, "fatalities"),
            },
            "xaxis": {"title": {"text": "Date"}, "type": "date", "anchor": "y2"},
            "shapes": shapes,
            "annotations": annotations,
            "height": 520,
        }
    )
    return {"data": data, "layout": layout}


def riv_figure(comparisons: Sequence[tuple[str, PeriodComparison]]) -> dict[str, Any]:
    """Events and fatalities per day in each period against its baseline (grouped bars)."""
    data = []
    for index, (name, what) in enumerate((("Baseline", 0), ("Agreed period", 1))):
        labels = [label for label, _ in comparisons]
        data.append(
            {
                "type": "bar",
                "name": f"{name}: events per day",
                "x": labels,
                "y": [round(c.events_per_day[what], 3) for _, c in comparisons],
                "marker": {"color": ("#9aa5b1", "#2e7d32")[index]},
                "offsetgroup": f"events-{index}",
                "hovertemplate": "%{x}: %{y:.2f} events per day<extra>" + name + "</extra>",
            }
        )
        data.append(
            {
                "type": "bar",
                "name": f"{name}: fatalities per day",
                "x": labels,
                "y": [round(c.fatalities_per_day[what], 3) for _, c in comparisons],
                "marker": {"color": ("#c9ced4", "#c0392b")[index], "pattern": {"shape": "/"}},
                "offsetgroup": f"fatalities-{index}",
                "hovertemplate": "%{x}: %{y:.2f} fatalities per day<extra>" + name + "</extra>",
            }
        )
    layout = base_layout("Term", "Per day (events or fatalities)", barmode="group")
    layout["xaxis"]["type"] = "category"
    return {"data": data, "layout": layout}


def map_figure(cells: Sequence[MapCell], grid: float) -> dict[str, Any]:
    """Incidents on a map (scattergeo, no tiles), one marker per rounded location and type.

    Marker area grows with fatalities (events when there are none), colour is the event type.
    """
    data = []
    biggest = max((max(c.fatalities, c.events) for c in cells), default=1) or 1
    for event_type in ACLED_EVENT_TYPES:
        mine = [c for c in cells if c.event_type == event_type]
        if not mine:
            continue
        data.append(
            {
                "type": "scattergeo",
                "mode": "markers",
                "name": event_type,
                "lat": [c.latitude for c in mine],
                "lon": [c.longitude for c in mine],
                "marker": {
                    "size": [max(c.fatalities, 1) for c in mine],
                    "sizemode": "area",
                    "sizeref": 2.0 * biggest / (30**2),
                    "sizemin": 4,
                    "color": EVENT_COLOURS.get(event_type, "#777"),
                    "opacity": 0.7,
                    "line": {"width": 0.5, "color": "#fff"},
                },
                "customdata": [[c.events, c.fatalities, plotly_text(c.location)] for c in mine],
                "hovertemplate": "%{customdata[2]}: %{customdata[0]:,} events, "
                "%{customdata[1]:,} fatalities<extra>" + event_type + "</extra>",
            }
        )
    geo: dict[str, Any] = {
        # The 110m base map is an eighth of the 50m one; charts.js swaps in 50m when zoomed.
        "resolution": 110,
        "showcountries": True,
        "countrycolor": "#9aa5b1",
        "showland": True,
        "landcolor": "#f4f1ea",
        "showlakes": False,
        "projection": {"type": "mercator"},
    }
    if cells:
        lats = [c.latitude for c in cells]
        lons = [c.longitude for c in cells]
        pad = max(5.0, grid)  # enough context to see the country's borders
        geo["lataxis"] = {"range": [min(lats) - pad, max(lats) + pad]}
        geo["lonaxis"] = {"range": [min(lons) - pad, max(lons) + pad]}
    return {
        "data": data,
        "layout": {
            "geo": geo,
            "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
            "legend": {"orientation": "h", "y": -0.05},
            "font": FONT,
            "height": 480,
        },
    }
