"""Figures of the violence charts: events and fatalities over time, periods against baselines,
and the incident map.

Built as plain dicts from the SQL aggregates of :mod:`tracker.services.figures.violence` (no
``graph_objects`` validation: at 100,000 reports every byte and millisecond counts). Days and
weeks are evenly spaced, so their bars carry ``x0``/``dx`` and one number per period instead of
a date string per point; that keeps a three-year daily chart well under 200 KB.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from tracker.models import Milestone
from tracker.models.base import ACLED_EVENT_TYPES
from tracker.services.dashboard.plot_releases import (
    FONT,
    base_layout,
    milestone_legend_keys,
    plotly_text,
)
from tracker.services.figures.calendar import days_between, shift
from tracker.services.figures.violence import PeriodComparison, PeriodTotal
from tracker.services.figures.violence_map import MapCell

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
    """Shaded bands for agreement periods and milestone periods, lines for one-day milestones.

    Each band and line is named in the legend (which wraps on narrow screens) rather than by a
    label on the plot that would run off its edge. No annotations are left, but the pair is
    kept so callers need not change."""
    shapes: list[dict[str, Any]] = []
    for start, end, label in periods:
        shapes.append(
            {**band(start, end, "#2e7d32", 0.15), "showlegend": True, "name": plotly_text(label)}
        )
    for milestone, legend in milestone_legend_keys(milestones):
        if milestone.end_date:
            shapes.append({**band(milestone.date, milestone.end_date, "#999", 0.12), **legend})
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
                    **legend,
                }
            )
    return shapes, []


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
    """Events per day (top panel) and fatalities per day (bottom panel) in each period against
    its baseline, each bar labelled with the count behind the rate.

    Two panels, because a count of events and a count of deaths are not on one scale."""
    labels = [label for label, _ in comparisons]
    data = []
    for index, (name, what) in enumerate((("Baseline", 0), ("Agreed period", 1))):
        for field, noun, axis, colours in (
            ("events", "events", "y", ("#9aa5b1", "#2e7d32")),
            ("fatalities", "fatalities", "y2", ("#c9ced4", "#c0392b")),
        ):
            prefix = "baseline_" if what == 0 else "period_"
            counts = [getattr(c, prefix + field) for _, c in comparisons]
            days = [c.baseline_days if what == 0 else c.period_days for _, c in comparisons]
            rates = [getattr(c, f"{field}_per_day")[what] for _, c in comparisons]
            data.append(
                {
                    "type": "bar",
                    "name": name,
                    "legendgroup": name,
                    "showlegend": field == "events",
                    "x": labels,
                    "y": [round(rate, 3) for rate in rates],
                    "yaxis": axis,
                    "xaxis": "x" if axis == "y" else "x2",
                    "text": [
                        f"{count:,} in {day:,} d" for count, day in zip(counts, days, strict=True)
                    ],
                    "textposition": "outside",
                    "cliponaxis": False,
                    "marker": {"color": colours[index]},
                    "customdata": [[count, day] for count, day in zip(counts, days, strict=True)],
                    "hovertemplate": f"%{{y:.2f}} {noun} per day (%{{customdata[0]:,}} in "
                    f"%{{customdata[1]:,}} days)<extra>{name}</extra>",
                }
            )
    layout = base_layout("", "Events per day", barmode="group")
    layout.update(
        {
            "xaxis": {"type": "category", "showticklabels": False, "anchor": "y"},
            "xaxis2": {"type": "category", "anchor": "y2", "matches": "x", "automargin": True},
            "yaxis": {
                "title": {"text": "Events<br>per day"},  # two lines: short panels on phones
                "domain": [0.6, 1],
                "rangemode": "tozero",
                "gridcolor": "#eee",
            },
            "yaxis2": {
                "title": {"text": "Fatalities<br>per day"},
                "domain": [0, 0.4],
                "rangemode": "tozero",
                "gridcolor": "#eee",
            },
        }
    )
    layout["margin"]["t"] = 40
    return {"data": data, "layout": layout}


def place_names_trace(labelled: Sequence[MapCell]) -> dict[str, Any]:
    """The main places' names written on the map (no markers, no hover)."""
    return {
        "type": "scattergeo",
        "mode": "text",
        "name": "Place names",
        "showlegend": False,
        "hoverinfo": "skip",
        "lat": [c.latitude for c in labelled],
        "lon": [c.longitude for c in labelled],
        "text": [plotly_text(c.location) for c in labelled],
        "textposition": "top center",
        "textfont": {"size": 12, "color": "#1b1f24"},
    }


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
    labelled = places_to_name(cells)
    if labelled:
        data.append(place_names_trace(labelled))
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
    aspect = 0.7
    if cells:
        (lat_min, lat_max), (lon_min, lon_max) = map_ranges(cells, grid)
        geo["lataxis"] = {"range": [lat_min, lat_max]}
        geo["lonaxis"] = {"range": [lon_min, lon_max]}
        aspect = mercator_aspect(lat_min, lat_max, lon_min, lon_max)
    return {
        "data": data,
        "layout": {
            "geo": geo,
            "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
            "legend": {"orientation": "h", "y": -0.05, "itemsizing": "constant"},
            "font": FONT,
            "height": 480,
            # charts.js sizes the map to its card's width at this height/width ratio, so the
            # area keeps its shape with no empty band under it.
            "meta": {"aspect": round(aspect, 3)},
        },
    }


MAP_NAMED_PLACES = 8
MAP_LABEL_ROWS = 16  # a name: about 1/16 of the map high, 3/16 wide
MAP_MIN_SPAN_DEGREES = 8.0
MAP_ASPECT_RANGE = (0.5, 0.75)


def places_to_name(cells: Sequence[MapCell]) -> list[MapCell]:
    """The places with the most events (one cell per location), named on the map, leaving out a
    place whose name would sit on a busier one's: names are wide, so the gap kept is wider
    across (longitude) than up and down (latitude)."""
    by_place: dict[tuple[float, float], MapCell] = {}
    events: dict[tuple[float, float], int] = {}
    for cell in cells:
        key = (cell.latitude, cell.longitude)
        events[key] = events.get(key, 0) + cell.events
        by_place.setdefault(key, cell)
    ranked = sorted(by_place, key=lambda key: (-events[key], by_place[key].location))
    span = max(
        max(lat for lat, _ in ranked) - min(lat for lat, _ in ranked),
        max(lon for _, lon in ranked) - min(lon for _, lon in ranked),
        MAP_MIN_SPAN_DEGREES,
    )
    gap_lat, gap_lon = span / MAP_LABEL_ROWS, span * 3 / MAP_LABEL_ROWS
    named: list[tuple[float, float]] = []
    for lat, lon in ranked:
        if len(named) == MAP_NAMED_PLACES:
            break
        if all(abs(lat - a) >= gap_lat or abs(lon - b) >= gap_lon for a, b in named):
            named.append((lat, lon))
    return [by_place[key] for key in named]


def mercator_y(latitude: float) -> float:
    """A latitude's position on a Mercator map (radians of longitude as the unit)."""
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def mercator_aspect(lat_min: float, lat_max: float, lon_min: float, lon_max: float) -> float:
    """Height over width of a latitude/longitude box drawn in Mercator's projection."""
    return (mercator_y(lat_max) - mercator_y(lat_min)) / math.radians(lon_max - lon_min)


def map_ranges(cells: Sequence[MapCell], grid: float) -> tuple[tuple[float, float], ...]:
    """Latitude and longitude ranges around the incidents, with room around them, widened to a
    landscape box (height/width within MAP_ASPECT_RANGE) so the map fills its card."""
    lats = [c.latitude for c in cells]
    lons = [c.longitude for c in cells]
    pad = max(2.0, grid, 0.1 * max(max(lats) - min(lats), max(lons) - min(lons)))
    lat_min, lat_max = max(-80.0, min(lats) - pad), min(80.0, max(lats) + pad)
    lon_min, lon_max = min(lons) - pad, max(lons) + pad
    if lon_max - lon_min < MAP_MIN_SPAN_DEGREES:
        middle = (lon_min + lon_max) / 2
        lon_min, lon_max = middle - MAP_MIN_SPAN_DEGREES / 2, middle + MAP_MIN_SPAN_DEGREES / 2
    low, high = MAP_ASPECT_RANGE
    aspect = mercator_aspect(lat_min, lat_max, lon_min, lon_max)
    if aspect > high:  # too tall: widen the longitudes
        middle, half = (lon_min + lon_max) / 2, (lon_max - lon_min) / 2 * aspect / high
        lon_min, lon_max = middle - half, middle + half
    for _ in range(200):  # too wide: add latitude a degree at a time, up to the poles' limit
        if mercator_aspect(lat_min, lat_max, lon_min, lon_max) >= low:
            break
        lat_min, lat_max = max(-80.0, lat_min - 0.5), min(80.0, lat_max + 0.5)
    return (lat_min, lat_max), (max(-180.0, lon_min), min(180.0, lon_max))
