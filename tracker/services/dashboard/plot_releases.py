"""Figures of the release charts: progress, exchange ratio, pace and implementation score.

Figures are plain dicts (Plotly's JSON) built from the series of
:mod:`tracker.services.figures` (progress, ratio, pace, score), the same ones the API
serves. A page embeds them in a ``<script type="application/json">`` block and
``static/js/charts.js`` draws them. Few points per chart, so ``graph_objects`` validation is
affordable here; the violence charts (:mod:`tracker.services.dashboard.plot_violence`) build dicts.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go

from tracker.models import Agreement, Commitment, Milestone, ReleaseRecord
from tracker.services.figures.calendar import days_between, shift
from tracker.services.figures.pace import WeeklyReleases
from tracker.services.figures.progress import Progress, SeriesPoint
from tracker.services.figures.ratio import RatioPoint
from tracker.services.figures.score import ScorePoint
from tracker.services.figures.wording import long_date, releaser

PALETTE = ("#1f5fa8", "#c0392b", "#2e7d32", "#8e44ad", "#b9770e", "#117a65")
FONT = {"family": "system-ui, sans-serif", "size": 13, "color": "#1b1f24"}


def plotly_text(text: str) -> str:
    """Escape user text for Plotly labels, which read a subset of HTML (<b>, <a href>, <br>)."""
    return html.escape(text, quote=False)


def short_label(commitment: Commitment) -> str:
    """A legend entry short enough for a 360 px screen, escaped for Plotly: "Afghan government
    releases"."""
    return plotly_text(releaser(commitment))


def shared_unit(commitments: Sequence[Commitment]) -> str:
    """The unit the terms count in ("prisoners", "detainees"), or "people" when they differ."""
    units = {c.unit for c in commitments if c.unit}
    return plotly_text(units.pop()) if len(units) == 1 else "people"


def base_layout(x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    """Layout shared by every chart: titled axes, a legend under the plot, a white background."""
    layout = {
        "margin": {"l": 64, "r": 20, "t": 30, "b": 40},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
        "plot_bgcolor": "#fff",
        "font": FONT,
        "xaxis": {"title": {"text": x_title}, "showgrid": True, "gridcolor": "#eee"},
        "yaxis": {
            "title": {"text": y_title},
            "rangemode": "tozero",
            "gridcolor": "#eee",
            "separatethousands": True,
        },
    }
    layout.update(extra)
    return layout


def to_dict(figure: go.Figure) -> dict[str, Any]:
    """A figure as the JSON-ready dict the page embeds."""
    return json.loads(figure.to_json())


def in_range(day: date, date_from: date | None, date_to: date | None) -> bool:
    """Whether a date lies in the (optional, inclusive) filter range."""
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


def record_hover(records: Sequence[ReleaseRecord]) -> str:
    """Hover lines naming each record of a date, its count and its sources."""
    lines = []
    for record in records:
        what = "running total" if record.kind == "cumulative" else "batch"
        sources = ", ".join(plotly_text(s.publisher or s.url) for s in record.sources)
        sources = sources or "no source listed"
        lines.append(f"{what} {record.count:,} ({sources})")
    return "<br>".join(lines)


def mark_milestones(
    figure: go.Figure, deadlines: set[date], milestones: Sequence[Milestone]
) -> None:
    """Dotted lines at deadlines, grey lines at milestones, shaded bands for milestone periods.

    Each kind is named once in the legend rather than by a label on the plot, where it would
    sit on the data or run off a narrow screen."""
    for index, deadline in enumerate(sorted(deadlines)):
        figure.add_shape(
            type="line", xref="x", yref="paper", x0=deadline.isoformat(), x1=deadline.isoformat(),
            y0=0, y1=1, line={"dash": "dot", "color": "#555"}, legendgroup="deadline",
            showlegend=index == 0, name="Deadline",
        )  # fmt: skip
    shown = [m for m in milestones if m.date not in deadlines]
    for milestone, legend in milestone_legend_keys(shown):
        if milestone.end_date:
            figure.add_vrect(
                x0=milestone.date.isoformat(),
                x1=shift(milestone.end_date, 1).isoformat(),
                fillcolor="#999",
                opacity=0.15,
                line_width=0,
                **legend,
            )
        else:
            figure.add_shape(
                type="line", xref="x", yref="paper", x0=milestone.date.isoformat(),
                x1=milestone.date.isoformat(), y0=0, y1=1, line={"color": "#bbb", "width": 1},
                **legend,
            )  # fmt: skip


MILESTONE_LEGEND = "Milestones (listed under the charts)"


def legend_milestone(milestones: Sequence[Milestone]) -> Milestone | None:
    """The milestone whose mark names all of them in the legend: a one-day line if there is
    one (plotly draws no legend symbol for a borderless band)."""
    return next((m for m in milestones if not m.end_date), milestones[0] if milestones else None)


def milestone_legend_keys(
    milestones: Sequence[Milestone],
) -> list[tuple[Milestone, dict[str, Any]]]:
    """Each milestone with the legend keys of its mark: all in one legend group, named once."""
    named = legend_milestone(milestones)
    return [
        (m, {"legendgroup": "milestones", "showlegend": m is named, "name": MILESTONE_LEGEND})
        for m in milestones
    ]


def progress_figure(
    commitments: Sequence[Commitment],
    progress: dict[int, Progress],
    milestones: Sequence[Milestone] = (),
    records: Sequence[ReleaseRecord] = (),
    date_from: date | None = None,
    date_to: date | None = None,
) -> dict[str, Any]:
    """Cumulative releases of each countable commitment against its target.

    The line is progress by DOMAIN.md's rule; reported running totals are separate diamond
    markers with their low/high estimates as error bars; hover names date, count and sources.
    """
    figure = go.Figure()
    by_date: dict[tuple[int, date], list[ReleaseRecord]] = defaultdict(list)
    for record in records:
        by_date[(record.commitment_id, record.date)].append(record)
    dates: list[date] = []
    for index, commitment in enumerate(commitments):
        colour = PALETTE[index % len(PALETTE)]
        series = [p for p in progress[commitment.id].series if in_range(p.date, date_from, date_to)]
        unit = plotly_text(commitment.unit or "people")
        figure.add_trace(
            go.Scatter(
                x=[p.date.isoformat() for p in series],
                y=[p.cumulative for p in series],
                mode="lines+markers",
                line={"shape": "hv", "color": colour, "width": 2.5},
                marker={"size": 7},
                name=short_label(commitment),
                customdata=[record_hover(by_date[(commitment.id, p.date)]) for p in series],
                hovertemplate=f"%{{x|%d %b %Y}}: %{{y:,}} {unit} released<br>%{{customdata}}"
                "<extra></extra>",
            )
        )
        reported = [
            r
            for r in records
            if r.commitment_id == commitment.id
            and r.kind == "cumulative"
            and in_range(r.date, date_from, date_to)
        ]
        if reported:
            figure.add_trace(
                go.Scatter(
                    x=[r.date.isoformat() for r in reported],
                    y=[r.count for r in reported],
                    mode="markers",
                    marker={"symbol": "diamond-open", "size": 11, "color": colour},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": [(r.count_high or r.count) - r.count for r in reported],
                        "arrayminus": [r.count - (r.count_low or r.count) for r in reported],
                        "color": colour,
                    },
                    name=f"{short_label(commitment)}: reported totals",
                    customdata=[record_hover([r]) for r in reported],
                    hovertemplate="%{x|%d %b %Y}: reported total %{y:,}<br>%{customdata}"
                    "<extra></extra>",
                )
            )
        dates.extend(p.date for p in series)
        if commitment.target:
            prefix = "up to " if commitment.target_is_maximum else ""
            # Named in the legend: a label on the plot would sit on the progress line.
            figure.add_shape(
                type="line", xref="paper", x0=0, x1=1, y0=commitment.target,
                y1=commitment.target, line={"dash": "dash", "color": colour, "width": 1.5},
                showlegend=True, name=f"Target: {prefix}{commitment.target:,} {unit}",
            )  # fmt: skip
        if commitment.deadline and in_range(commitment.deadline, date_from, date_to):
            dates.append(commitment.deadline)
    deadlines = {
        c.deadline for c in commitments if c.deadline and in_range(c.deadline, date_from, date_to)
    }
    shown = [m for m in milestones if in_range(m.date, date_from, date_to)]
    mark_milestones(figure, deadlines, shown)
    if dates:
        start, end = min(dates), max(dates)
        pad = max(7, days_between(start, end) // 20)
        figure.update_xaxes(range=[shift(start, -pad).isoformat(), shift(end, pad).isoformat()])
    figure.update_layout(
        base_layout("Date", f"Cumulative released ({shared_unit(commitments)})"),
        yaxis={"tickformat": ",d"},
    )
    return to_dict(figure)


def ratio_figure(
    points: Sequence[RatioPoint], agreed: float, numerator_label: str, denominator_label: str
) -> dict[str, Any]:
    """The exchange ratio over time against the agreed ratio (a dashed line)."""
    shown = [p for p in points if p.ratio is not None]
    figure = go.Figure(
        go.Scatter(
            x=[p.date.isoformat() for p in shown],
            y=[round(p.ratio, 3) for p in shown],
            mode="lines+markers",
            line={"shape": "hv", "color": PALETTE[0], "width": 2.5},
            name=plotly_text(f"{numerator_label} per {denominator_label} released"),
            customdata=[[p.numerator, p.denominator] for p in shown],
            hovertemplate="%{x|%d %b %Y}: %{y:.2f} to 1<br>"
            "(%{customdata[0]:,} / %{customdata[1]:,})<extra></extra>",
        )
    )
    figure.add_shape(
        type="line", xref="paper", x0=0, x1=1, y0=agreed, y1=agreed,
        line={"dash": "dash", "color": PALETTE[1], "width": 1.5},
        showlegend=True, name=f"Agreed ratio {agreed:g}:1",
    )  # fmt: skip
    figure.update_layout(
        base_layout("Date", "Ratio (to 1)"),
        showlegend=True,
    )
    return to_dict(figure)


def pace_figure(
    commitments: Sequence[Commitment],
    weekly: dict[int, list[WeeklyReleases]],
    progress: dict[int, Progress],
) -> dict[str, Any]:
    """Releases per week (bars) and, for terms not yet met, the projection at the recent pace."""
    figure = go.Figure()
    for index, commitment in enumerate(commitments):
        colour = PALETTE[index % len(PALETTE)]
        rows = weekly[commitment.id]
        figure.add_trace(
            go.Bar(
                x=[row.week_start.isoformat() for row in rows],
                y=[row.released for row in rows],
                marker={"color": colour},
                name=f"{short_label(commitment)} per week",
                hovertemplate="Week of %{x|%d %b %Y}: %{y:,} released<extra></extra>",
            )
        )
        item = progress[commitment.id]
        if item.projected_completion and item.series:
            last: SeriesPoint = item.series[-1]
            figure.add_trace(
                go.Scatter(
                    x=[last.date.isoformat(), item.projected_completion.isoformat()],
                    y=[last.cumulative, commitment.target],
                    yaxis="y2",
                    mode="lines+markers",
                    line={"dash": "dash", "color": colour},
                    name=f"Projection: target reached {long_date(item.projected_completion)}",
                    hovertemplate="%{x|%d %b %Y}: %{y:,} (projected cumulative)<extra></extra>",
                )
            )
    unit = shared_unit(commitments)
    layout = base_layout("Week starting", f"Released per week ({unit})", barmode="group")
    layout["yaxis2"] = {
        "title": {"text": f"Projected cumulative ({unit})"},
        "tickmode": "auto",  # round ticks of its own, not ones synced to the bars' axis
        "overlaying": "y",
        "side": "right",
        "rangemode": "tozero",
        "showgrid": False,
        "tickformat": ",d",
    }
    layout["margin"]["r"] = 64
    figure.update_layout(layout)
    return to_dict(figure)


def score_figure(scores: dict[Agreement, list[ScorePoint]]) -> dict[str, Any]:
    """Each agreement's implementation score (PAM, 0-100 %) over time, as a step line."""
    figure = go.Figure()
    for index, (agreement, points) in enumerate(scores.items()):
        shown = [p for p in points if p.score is not None]
        figure.add_trace(
            go.Scatter(
                x=[p.date.isoformat() for p in shown],
                y=[round(p.score, 2) for p in shown],
                mode="lines+markers",
                line={"shape": "hv", "color": PALETTE[index % len(PALETTE)], "width": 2.5},
                name=plotly_text(agreement.title),
                hovertemplate="%{x|%d %b %Y}: %{y:.1f} %<extra></extra>",
            )
        )
    figure.update_layout(
        base_layout("Date", "Implemented (%)"),
        yaxis={"range": [0, 105], "ticksuffix": " %"},
        showlegend=True,
    )
    return to_dict(figure)
